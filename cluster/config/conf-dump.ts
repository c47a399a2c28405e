/**
 * A daemon's effective configuration as Hadoop's ConfServlet (`/conf`) writes it: XML by default
 * (Configuration.writeXml: one `<property>` with `<name>`, `<value>`, `<final>` and `<source>`
 * per key), JSON when asked (Configuration.dumpConfiguration: `{"properties":[{"key","value",
 * "isFinal","resource"}]}`), one property with `name=` (`{"property":{…}}` in JSON), and
 * "Property NAME not found" for a name the configuration does not have. Pure.
 *
 * Where Hadoop names the file a value came from, the lab names the layer of its own configuration
 * (cluster/config/config.ts): Hadoop's default file for the key, the lab's default, `lab start -D`,
 * or what the launcher derived. The lab has no final parameters, so `final` is always false.
 */
import { escapeXmlContent } from '../common/markup.js';
import type { ConfigEntry, ConfigSource } from './config.js';
import { HADOOP_DEFAULTS } from './hadoop-defaults.js';

/** hdfs-default.xml's keys: HADOOP_DEFAULTS lists core-default.xml's, then hdfs-default.xml's from its first key on. */
const HDFS_DEFAULT_KEYS: ReadonlySet<string> = new Set(
  HADOOP_DEFAULTS.slice(
    HADOOP_DEFAULTS.findIndex(([name]) => name === 'hadoop.hdfs.configuration.version'),
  ).map(([name]) => name),
);

export type ConfFormat = 'xml' | 'json';

/** ConfServlet's answer: the body and its content type, or a 404 for an unknown `name`. */
export type ConfAnswer =
  { status: 200; contentType: string; body: string } | { status: 404; contentType: string; body: string };

/**
 * ConfServlet.parseAcceptHeader: JSON when the Accept header mentions json, else XML. Hadoop 2's
 * `format=json|xml` parameter is honoured too (curl users type it); any other format is a 400.
 */
export function confFormat(accept: string | undefined, formatParam: string | null): ConfFormat | string {
  if (formatParam !== null) {
    return formatParam === 'json' || formatParam === 'xml' ? formatParam : `Bad format: ${formatParam}`;
  }
  return accept?.includes('json') ? 'json' : 'xml';
}

/** The resource a value came from, as `<source>` / `"resource"` name it. */
export function confResource(entry: Pick<ConfigEntry, 'key' | 'source'>): string {
  const bySource: Record<ConfigSource, string> = {
    'hadoop-default': HDFS_DEFAULT_KEYS.has(entry.key) ? 'hdfs-default.xml' : 'core-default.xml',
    'lab-default': 'hdfs-lab default (cluster/config/keys.ts)',
    override: 'lab start -D or its options (cluster.json)',
    derived: 'lab launcher (cluster.json: the addresses and directories it chose)',
  };
  return bySource[entry.source];
}

const XML_HEADER = '<?xml version="1.0" encoding="UTF-8" standalone="no"?>';

function xmlProperty(entry: ConfigEntry): string {
  return (
    `<property><name>${escapeXmlContent(entry.key)}</name><value>${escapeXmlContent(entry.value)}</value>` +
    `<final>false</final><source>${escapeXmlContent(confResource(entry))}</source></property>`
  );
}

function jsonProperty(entry: ConfigEntry): Record<string, unknown> {
  return { key: entry.key, value: entry.value, isFinal: false, resource: confResource(entry) };
}

/** The body of `/conf[?name=KEY]` in `format`. */
export function confAnswer(
  entries: readonly ConfigEntry[],
  format: ConfFormat,
  name: string | null,
): ConfAnswer {
  const contentType = format === 'json' ? 'application/json; charset=utf-8' : 'text/xml; charset=utf-8';
  const chosen = name === null || name === '' ? entries : entries.filter((e) => e.key === name);
  if (chosen.length === 0) {
    return {
      status: 404,
      contentType: 'text/plain; charset=utf-8',
      body: `Property ${name ?? ''} not found\n`,
    };
  }
  if (format === 'json') {
    const body =
      name === null || name === ''
        ? { properties: chosen.map(jsonProperty) }
        : { property: jsonProperty(chosen[0]!) };
    return { status: 200, contentType, body: JSON.stringify(body) };
  }
  const props = chosen.map((e) => `${xmlProperty(e)}\n`).join('');
  return { status: 200, contentType, body: `${XML_HEADER}<configuration>\n${props}</configuration>\n` };
}
