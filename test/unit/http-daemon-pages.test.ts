/**
 * What every daemon's HTTP server adds beside its own pages, against Hadoop's servlets:
 * ConfServlet (XML by default with `<name>`, `<value>`, `<final>`, `<source>` per property; JSON
 * when the Accept header mentions json, `{"properties":[{key,value,isFinal,resource}]}`, or
 * `{"property":…}` for `name=`; "Property X not found" for an unknown name) and
 * StartupProgressServlet's view (Phase and StepType names, StartupProgressView's percentages:
 * a complete phase is 1.0, a running one count/total, the whole the mean of its phases).
 */
import { describe, expect, it } from 'vitest';
import { confAnswer, confFormat } from '../../cluster/config/conf-dump.js';
import { resolveConfig } from '../../cluster/config/config.js';
import { StartupProgress } from '../../cluster/namenode/startup-progress.js';

describe('/conf (ConfServlet)', () => {
  const config = resolveConfig({ 'dfs.replication': '2' }, { 'fs.defaultFS': 'hdfs://127.0.0.1:8020' });

  it('answers XML by default and JSON when the Accept header asks, or format=json as Hadoop 2 took it', () => {
    expect(confFormat(undefined, null)).toBe('xml');
    expect(confFormat('application/json', null)).toBe('json');
    expect(confFormat('*/*', 'json')).toBe('json');
    expect(confFormat(undefined, 'yaml')).toBe('Bad format: yaml');
  });

  it('writes each property with its name, value, final flag and source', () => {
    const xml = confAnswer(config.entries(), 'xml', null);
    expect(xml.status).toBe(200);
    expect(xml.contentType).toBe('text/xml; charset=utf-8');
    expect(
      xml.body.startsWith('<?xml version="1.0" encoding="UTF-8" standalone="no"?><configuration>\n'),
    ).toBe(true);
    expect(xml.body).toContain(
      '<property><name>dfs.replication</name><value>2</value><final>false</final><source>lab start -D or its options (cluster.json)</source></property>\n',
    );
    // A key nobody set comes from Hadoop's default file for it.
    expect(xml.body).toContain(
      '<name>dfs.replication.max</name><value>512</value><final>false</final><source>hdfs-default.xml</source>',
    );
    // dfs.ha.fencing.ssh.connect-timeout is one of core-default.xml's, whatever its prefix.
    expect(xml.body).toContain(
      '<name>dfs.ha.fencing.ssh.connect-timeout</name><value>30000</value><final>false</final><source>core-default.xml</source>',
    );
    expect(xml.body).toMatch(
      /<name>hadoop\.tmp\.dir<\/name><value>[^<]*<\/value><final>false<\/final><source>core-default\.xml<\/source>/,
    );
  });

  it('answers one property as {"property":…} in JSON and 404 for a name it does not have', () => {
    const one = confAnswer(config.entries(), 'json', 'fs.defaultFS');
    expect(JSON.parse(one.body)).toEqual({
      property: {
        key: 'fs.defaultFS',
        value: 'hdfs://127.0.0.1:8020',
        isFinal: false,
        resource: 'lab launcher (cluster.json: the addresses and directories it chose)',
      },
    });
    const all = JSON.parse(confAnswer(config.entries(), 'json', null).body) as {
      properties: { key: string }[];
    };
    expect(all.properties.map((p) => p.key)).toContain('dfs.blocksize');
    const missing = confAnswer(config.entries(), 'xml', 'no.such.key');
    expect([missing.status, missing.body]).toEqual([404, 'Property no.such.key not found\n']);
  });
});

describe('/startupProgress (StartupProgressServlet)', () => {
  it('names the phases and steps as HDFS does and computes StartupProgressView percentages', () => {
    const p = new StartupProgress();
    p.beginPhase('LoadingFsImage', 1000, { file: '/n/current/fsimage_0', size: 552 });
    p.beginStep('LoadingFsImage', { type: 'Inodes' }, 1000, 4);
    p.setCount('LoadingFsImage', { type: 'Inodes' }, 2);
    let view = p.view(1010);
    expect(view.phases.map((x) => [x.name, x.desc, x.status])).toEqual([
      ['LoadingFsImage', 'Loading fsimage', 'RUNNING'],
      ['LoadingEdits', 'Loading edits', 'PENDING'],
      ['SavingCheckpoint', 'Saving checkpoint', 'PENDING'],
      ['SafeMode', 'Safe mode', 'PENDING'],
    ]);
    expect(view.phases[0]).toMatchObject({
      percentComplete: 0.5,
      elapsedTime: 10,
      file: '/n/current/fsimage_0',
      size: 552,
    });
    expect(view.phases[0]?.steps).toEqual([
      { name: 'Inodes', desc: 'inodes', count: 2, total: 4, percentComplete: 0.5, elapsedTime: 10 },
    ]);
    // The whole is the mean of the four phases while safe mode has not ended.
    expect(view.percentComplete).toBe(0.125);
    p.endPhase('LoadingFsImage', 1020);
    p.beginPhase('LoadingEdits', 1020);
    const segment = { file: '/n/current/edits_1-3', size: 90 };
    p.beginStep('LoadingEdits', segment, 1020, 3);
    p.setCount('LoadingEdits', segment, 3);
    p.endPhase('LoadingEdits', 1030);
    p.beginPhase('SafeMode', 1030);
    p.beginStep('SafeMode', { type: 'AwaitingReportedBlocks' }, 1030, 4);
    p.setCount('SafeMode', { type: 'AwaitingReportedBlocks' }, 1);
    view = p.view(1040);
    // An edit-log segment's step has its file and size, and no name.
    expect(view.phases[1]?.steps).toEqual([
      { count: 3, file: '/n/current/edits_1-3', size: 90, total: 3, percentComplete: 1, elapsedTime: 10 },
    ]);
    expect(view.phases[3]).toMatchObject({ status: 'RUNNING', percentComplete: 0.25 });
    p.endPhase('SafeMode', 1050);
    p.setCount('SafeMode', { type: 'AwaitingReportedBlocks' }, 4);
    view = p.view(2000);
    // Ended: 100 %, elapsed from the image's start to safe mode's end, counts frozen.
    expect(view).toMatchObject({ percentComplete: 1, elapsedTime: 50 });
    expect(view.phases[3]?.steps[0]).toMatchObject({ count: 1, total: 4, percentComplete: 1 });
  });
});
