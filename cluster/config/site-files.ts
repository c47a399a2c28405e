/**
 * Hadoop's site files (core-site.xml, hdfs-site.xml, or any file given to `-conf`): a
 * `<configuration>` of `<property><name>…</name><value>…</value></property>` elements, read as
 * Configuration.loadResource reads them (a later property wins; a property without a name or
 * without a value is skipped). Reading only: the caller decides which files and in what order.
 */
import fs from 'node:fs';
import path from 'node:path';
import { XMLParser } from 'fast-xml-parser';
import { ConfigError } from './config.js';

/** The site files Hadoop's clients load after the defaults, in order (core, then HDFS). */
export const SITE_FILES = ['core-site.xml', 'hdfs-site.xml'] as const;

const parser = new XMLParser({
  ignoreAttributes: true,
  parseTagValue: false,
  trimValues: true,
  isArray: (name) => name === 'property',
});

/** The properties of one configuration file. Throws ConfigError naming the file when it is not one. */
export function readConfigurationFile(file: string): Record<string, string> {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new ConfigError(`${file}: cannot read the configuration file (${code ?? String(error)})`);
  }
  let doc: { configuration?: { property?: Array<{ name?: unknown; value?: unknown }> } | string };
  try {
    doc = parser.parse(text, true) as typeof doc;
  } catch (error) {
    throw new ConfigError(`${file}: not a Hadoop configuration file: ${(error as Error).message}`);
  }
  if (doc.configuration === undefined) {
    throw new ConfigError(`${file}: not a Hadoop configuration file (no <configuration> element)`);
  }
  const properties = typeof doc.configuration === 'string' ? [] : (doc.configuration.property ?? []);
  const settings: Record<string, string> = {};
  for (const property of properties) {
    if (typeof property.name !== 'string' || property.name === '') continue;
    // Configuration.loadProperty: a property with an empty or absent value is not loaded.
    if (property.value === undefined || String(property.value) === '') continue;
    settings[property.name] = String(property.value);
  }
  return settings;
}

/** The site files found in `dirs` (each dir: core-site.xml, then hdfs-site.xml), in order. */
export function siteFilesIn(dirs: readonly string[]): string[] {
  const files: string[] = [];
  for (const dir of dirs) {
    for (const name of SITE_FILES) {
      const file = path.join(dir, name);
      if (fs.existsSync(file)) files.push(file);
    }
  }
  return files;
}
