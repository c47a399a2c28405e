/**
 * `lab pack new ID`: the files of a small pack that validates and shows each part of the format
 * once (a setup, a Markdown step, a probed number, a stored true/false, a task), pure.
 */
import { stringifyYaml } from '../cli/yaml.js';

export function scaffoldPack(id: string, title = id): Map<string, string> {
  const exercise = 'first-upload';
  const pack = {
    $schema: '../schema/pack.schema.json',
    id,
    title,
    version: '0.1.0',
    cluster: { datanodes: 3, racks: 1, blockSize: '1m', replication: 3 },
    exercises: [exercise],
  };
  const ex = {
    id: exercise,
    title: 'A first upload',
    depends: [],
    setup: [{ start: {} }, { mkdir: { path: '/data', parents: true } }],
    steps: ['steps/01-upload.md'],
    questions: [
      {
        id: 'block-count',
        type: 'number',
        prompt: 'How many blocks does /data/a.bin have?',
        points: 2,
        expect: { probe: 'file.blockCount', args: { path: '/data/a.bin' } },
      },
      {
        id: 'last-block-padded',
        type: 'true-false',
        prompt: 'Is the last block padded to the full block size on disk?',
        answer: false,
      },
      {
        id: 'two-replicas',
        type: 'task',
        prompt: 'Make /data/a.bin have 2 replicas.',
        check: { probe: 'file.info', args: { path: '/data/a.bin' }, select: 'replication', equals: 2 },
      },
    ],
    hints: [
      '`lab fsck /data/a.bin -files -blocks` lists the blocks.',
      'lab fs -setrep changes the replication.',
    ],
  };
  return new Map([
    [
      'pack.yaml',
      `# yaml-language-server: $schema=https://hdfs-lab.invalid/schema/pack.schema.json\n${stringifyYaml(pack)}`,
    ],
    [`${exercise}/exercise.yaml`, stringifyYaml(ex)],
    [
      `${exercise}/README.md`,
      `# A first upload\n\nUpload a file of 2.5 MB and see how HDFS splits it into blocks.\n`,
    ],
    [
      `${exercise}/steps/01-upload.md`,
      'Create a file of 2.5 MB and upload it:\n\n```\nhead -c 2621440 /dev/urandom > a.bin\nlab fs -put a.bin /data/a.bin\n```\n',
    ],
  ]);
}
