/**
 * Hadoop's site files (core-site.xml, hdfs-site.xml, or any file given to `-conf`): a
 * `<configuration>` of `<property><name>…</name><value>…</value></property>` elements, read as
 * Configuration.loadResource reads them (a later property wins; a property without a name or
 * without a value is skipped). Reading only: the caller decides which files and in what order.
 */
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { XMLParser } from 'fast-xml-parser';
import { ConfigError } from './config.js';
import { escapeXmlContent } from '../common/markup.js';

/** The site files Hadoop's clients load after the defaults, in order (core, then HDFS). */
export const SITE_FILES = ['core-site.xml', 'hdfs-site.xml'] as const;

let parser: XMLParser | undefined;

/**
 * The XML parser, loaded the first time a site file is read: every `lab fs` call looks for site
 * files and most find none, so most never pay for loading the parser's few dozen modules.
 */
function xmlParser(): XMLParser {
  if (parser === undefined) {
    const xml = createRequire(import.meta.url)('fast-xml-parser') as typeof import('fast-xml-parser');
    parser = new xml.XMLParser({
      ignoreAttributes: true,
      parseTagValue: false,
      trimValues: true,
      isArray: (name) => name === 'property',
    });
  }
  return parser;
}

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
    doc = xmlParser().parse(text, true) as typeof doc;
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

/** A site file's text with these properties, one a line: what readConfigurationFile reads back. */
export function configurationFileText(settings: Readonly<Record<string, string>>): string {
  const properties = Object.entries(settings).map(
    ([name, value]) =>
      `  <property><name>${escapeXmlContent(name)}</name><value>${escapeXmlContent(value)}</value></property>\n`,
  );
  return `<?xml version="1.0"?>\n<configuration>\n${properties.join('')}</configuration>\n`;
}
