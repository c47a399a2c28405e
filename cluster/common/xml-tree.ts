/**
 * A small XML reader for the documents the offline viewers write and read back (`lab oev`'s
 * `<EDITS>`, `lab oiv`'s `<fsimage>`): elements with their text and children, the five predefined
 * entities and numeric character references, CDATA, comments and the declaration. Attributes are
 * read past and dropped (neither document has any); a DTD is refused, so no entity can expand.
 * Pure: text in, a tree out, and errors that say the line.
 */

export interface XmlElement {
  name: string;
  /** The element's own character data (its children's is theirs), entities decoded, untrimmed. */
  text: string;
  children: XmlElement[];
  /** 1-based line of the start tag, for messages. */
  line: number;
}

export class XmlSyntaxError extends Error {
  constructor(
    message: string,
    readonly line: number,
  ) {
    super(`line ${line}: ${message}`);
    this.name = 'XmlSyntaxError';
  }
}

const NAME = /[A-Za-z_:][\w.:-]*/y;
const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

/** The document's root element. */
export function parseXml(text: string): XmlElement {
  return new XmlReader(text).document();
}

class XmlReader {
  private pos = 0;
  private readonly stack: XmlElement[] = [];
  private root: XmlElement | null = null;
  private readonly newlines: number[] = [];

  constructor(private readonly src: string) {
    for (let i = src.indexOf('\n'); i >= 0; i = src.indexOf('\n', i + 1)) this.newlines.push(i);
    if (src.charCodeAt(0) === 0xfeff) this.pos = 1;
  }

  document(): XmlElement {
    while (this.pos < this.src.length) {
      if (this.src.startsWith('<?', this.pos)) this.skipPast('?>', 'processing instruction');
      else if (this.src.startsWith('<!--', this.pos)) this.skipPast('-->', 'comment');
      else if (this.src.startsWith('<![CDATA[', this.pos)) this.cdata();
      else if (this.src.startsWith('<!', this.pos)) this.fail('a DTD or declaration is not accepted here');
      else if (this.src.startsWith('</', this.pos)) this.endTag();
      else if (this.src[this.pos] === '<') this.startTag();
      else this.characters();
    }
    if (this.stack.length > 0) {
      const open = this.stack[this.stack.length - 1] as XmlElement;
      this.fail(`the document ends inside <${open.name}> (opened on line ${open.line})`);
    }
    if (this.root === null) this.fail('no root element');
    return this.root;
  }

  private startTag(): void {
    const line = this.lineAt(this.pos);
    this.pos++;
    const name = this.name();
    const end = this.tagEnd();
    if (this.stack.length === 0 && this.root !== null)
      this.fail(`a second root element <${name}> after </${this.root.name}>`);
    const element: XmlElement = { name, text: '', children: [], line };
    const parent = this.stack[this.stack.length - 1];
    if (parent) parent.children.push(element);
    else this.root = element;
    if (!end.selfClosing) this.stack.push(element);
  }

  private endTag(): void {
    this.pos += 2;
    const name = this.name();
    while (/\s/.test(this.src[this.pos] ?? '')) this.pos++;
    if (this.src[this.pos] !== '>') this.fail(`expected '>' to end </${name}`);
    this.pos++;
    const open = this.stack.pop();
    if (open === undefined) this.fail(`</${name}> closes nothing`);
    if (open.name !== name)
      this.fail(`</${name}> where </${open.name}> (opened on line ${open.line}) was expected`);
  }

  /** Skips attributes (quoted values may hold '>') up to `>` or `/>`. */
  private tagEnd(): { selfClosing: boolean } {
    for (;;) {
      const c = this.src[this.pos];
      if (c === undefined) this.fail('the document ends inside a tag');
      if (c === '"' || c === "'") {
        const close = this.src.indexOf(c, this.pos + 1);
        if (close < 0) this.fail('an attribute value is not closed');
        this.pos = close + 1;
      } else if (c === '>') {
        this.pos++;
        return { selfClosing: false };
      } else if (this.src.startsWith('/>', this.pos)) {
        this.pos += 2;
        return { selfClosing: true };
      } else this.pos++;
    }
  }

  private name(): string {
    NAME.lastIndex = this.pos;
    const m = NAME.exec(this.src);
    if (!m) this.fail(`expected an element name after '<'`);
    this.pos += m[0].length;
    return m[0];
  }

  private characters(): void {
    const next = this.src.indexOf('<', this.pos);
    const end = next < 0 ? this.src.length : next;
    const raw = this.src.slice(this.pos, end);
    this.append(decodeEntities(raw, (message) => this.fail(message)));
    this.pos = end;
  }

  private cdata(): void {
    const start = this.pos + '<![CDATA['.length;
    const close = this.src.indexOf(']]>', start);
    if (close < 0) this.fail('a CDATA section is not closed');
    this.append(this.src.slice(start, close));
    this.pos = close + 3;
  }

  private append(text: string): void {
    const open = this.stack[this.stack.length - 1];
    if (open) open.text += text;
    else if (text.trim() !== '') this.fail('text outside the root element');
  }

  private skipPast(terminator: string, what: string): void {
    const close = this.src.indexOf(terminator, this.pos);
    if (close < 0) this.fail(`a ${what} is not closed`);
    this.pos = close + terminator.length;
  }

  private lineAt(offset: number): number {
    let lo = 0;
    let hi = this.newlines.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((this.newlines[mid] as number) < offset) lo = mid + 1;
      else hi = mid;
    }
    return lo + 1;
  }

  private fail(message: string): never {
    throw new XmlSyntaxError(message, this.lineAt(this.pos));
  }
}

function decodeEntities(raw: string, fail: (message: string) => never): string {
  return raw.replace(/&([^;&\s]*);?/g, (whole, ref: string) => {
    if (!whole.endsWith(';')) fail(`'&' must start an entity reference such as &amp;`);
    if (ENTITIES[ref] !== undefined) return ENTITIES[ref];
    const m = /^#(x[0-9a-fA-F]+|[0-9]+)$/.exec(ref);
    const cp = m
      ? parseInt(ref.startsWith('#x') ? ref.slice(2) : ref.slice(1), ref.startsWith('#x') ? 16 : 10)
      : NaN;
    if (!(cp >= 0 && cp <= 0x10ffff)) fail(`unknown entity reference &${ref};`);
    return String.fromCodePoint(cp);
  });
}
