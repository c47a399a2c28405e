/**
 * HDFS path names as the NameNode accepts them (DFSUtil.isValidName plus the fs-limits checks).
 * Every Namespace entry point runs its paths through `checkPath` before touching any INode, so a
 * bad name is answered with an InvalidPathException that says what was wrong, and never reaches
 * the tree.
 */
import { RemoteError } from '../protocol/errors.js';

/**
 * Longest name of one path component, in UTF-8 bytes (dfs.namenode.fs-limits.max-component-length,
 * default 255 — the same limit most local file systems have, so a name can always be a file name).
 */
export const PATH_COMPONENT_BYTES_MAX = 255;
/** Deepest path accepted, in components (HdfsServerConstants.MAX_PATH_DEPTH). */
export const PATH_DEPTH_MAX = 1000;
/** Longest path accepted, in characters (HdfsServerConstants.MAX_PATH_LENGTH). */
export const PATH_LENGTH_MAX = 8000;

export const ROOT_PATH = '/';

function invalid(path: string, why: string): RemoteError {
  return new RemoteError('InvalidPathException', `Invalid path name ${why}: ${path}`);
}

/**
 * Validates an absolute HDFS path and returns its components (root = []). Trailing slashes are
 * allowed and dropped, as DFSUtil.isValidName allows them ("/a/b/" names /a/b).
 */
export function checkPath(path: string): string[] {
  if (typeof path !== 'string' || path.length === 0) {
    throw invalid(String(path), 'empty path; HDFS paths are absolute and start with "/"');
  }
  if (!path.startsWith('/')) {
    throw invalid(path, 'relative path; HDFS paths are absolute and start with "/"');
  }
  if (path.length > PATH_LENGTH_MAX) {
    throw invalid(path.slice(0, 64) + '…', `too long (${path.length} characters, limit ${PATH_LENGTH_MAX})`);
  }
  const trimmed = path.replace(/\/+$/, '');
  if (trimmed === '') return [];
  const components = trimmed.slice(1).split('/');
  if (components.length > PATH_DEPTH_MAX) {
    throw invalid(path, `too deep (${components.length} components, limit ${PATH_DEPTH_MAX})`);
  }
  for (const component of components) checkComponent(path, component);
  return components;
}

function checkComponent(path: string, component: string): void {
  if (component === '') throw invalid(path, 'with an empty component ("//" in the middle of the path)');
  if (component === '.' || component === '..') {
    throw invalid(path, `with a "${component}" component; HDFS does not resolve relative components`);
  }
  if (component.includes(':')) throw invalid(path, `with ":" in component "${component}"`);
  if (component.includes('\0')) throw invalid(path, 'with a NUL character');
  const bytes = Buffer.byteLength(component, 'utf8');
  if (bytes > PATH_COMPONENT_BYTES_MAX) {
    throw invalid(
      path,
      `with a component of ${bytes} bytes (limit ${PATH_COMPONENT_BYTES_MAX}, dfs.namenode.fs-limits.max-component-length)`,
    );
  }
}

/** True when `checkPath` would accept the path. */
export function isValidName(path: string): boolean {
  try {
    checkPath(path);
    return true;
  } catch {
    return false;
  }
}

/** The canonical spelling of a valid path: no trailing slash except for the root. */
export function normalizePath(path: string): string {
  return joinComponents(checkPath(path));
}

export function joinComponents(components: readonly string[]): string {
  return '/' + components.join('/');
}

/** `parent` + `/` + `name`, without doubling the slash of the root. */
export function childPath(parent: string, name: string): string {
  return parent === ROOT_PATH ? `/${name}` : `${parent}/${name}`;
}

/** True when `path` is `ancestor` itself or lies below it. Both must be normalised. */
export function isSameOrUnder(path: string, ancestor: string): boolean {
  if (ancestor === ROOT_PATH) return true;
  return path === ancestor || path.startsWith(ancestor + '/');
}

/**
 * HDFS orders directory entries by the bytes of their UTF-8 names (INodeDirectory children,
 * `ls` output, fsimage <child> lists). JavaScript's `<` compares UTF-16 units, which disagrees for
 * characters above U+FFFF, so compare the encoded bytes.
 */
export function compareNames(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}
