/**
 * A whole directory listing from getListing's pages, as DFSClient.listPaths' callers do: ask
 * again after the last local name received while the NameNode says entries remain.
 */
import type { RpcMethods } from '../protocol/messages.js';
import type { FileStatus } from '../protocol/types.js';

interface ListingCaller {
  call(
    method: 'getListing',
    params: RpcMethods['getListing']['req'],
  ): Promise<RpcMethods['getListing']['res']>;
}

/** Every entry of `src` in name order, or null when `src` does not exist. */
export async function listAll(namenode: ListingCaller, src: string): Promise<FileStatus[] | null> {
  const out: FileStatus[] = [];
  let startAfter = '';
  for (;;) {
    const page = await namenode.call('getListing', { src, startAfter });
    if (!page) return out.length === 0 ? null : out;
    out.push(...page.entries);
    const last = page.entries.at(-1);
    if (page.remainingEntries === 0 || !last) return out;
    startAfter = last.pathSuffix;
  }
}
