/**
 * Edits the text of a JSON document in place, key by key, the way VS Code
 * edits settings.json (issue 21 §6): only the members named by an edit
 * change; every other byte of the file (the text of each number, key order,
 * spacing, line endings, keys this app does not know) stays as it was.
 * Parsing would lose that: `12345678901234567890` would come back as
 * `12345678901234567000`, `1.0` as `1` and `1e400` as `null`.
 *
 * The text must be strict JSON whose root is an object (the caller has
 * parsed it with JSON.parse). Objects are mapped down to `OBJECT_DEPTH`
 * levels, everything else is skipped over without recursion, so a deeply
 * nested value cannot exhaust the stack. Anything unexpected throws
 * `JsonEditError`; the caller then writes the whole document instead.
 */

/** Root and its sections: the deepest level the config's owned keys live at. */
const OBJECT_DEPTH = 2;

export class JsonEditError extends Error {
  override name = 'JsonEditError';
}

interface ObjectNode {
  kind: 'object';
  start: number;
  end: number;
  members: Member[];
}
interface OtherNode {
  kind: 'other';
  start: number;
  end: number;
}
type ValueNode = ObjectNode | OtherNode;
interface Member {
  key: string;
  keyStart: number;
  keyEnd: number;
  value: ValueNode;
}

/** How the document is laid out, so that what is inserted looks like what is there. */
export interface JsonStyle {
  eol: string;
  /** One level of indentation (`  `, `    `, a tab), or null when the document is on one line. */
  unit: string | null;
  /** What stands between a key and its value: `: `, `:`, ` : `. */
  colon: string;
}

export type JsonEdit = { path: readonly string[]; value: unknown } | { path: readonly string[]; remove: true };

/** The style of `text` (a JSON object): its line ending, its indentation and its colons. */
export function detectStyle(text: string): JsonStyle {
  const root = parseRoot(text);
  const first = root.members[0];
  const newline = text.indexOf('\n');
  const eol = newline > 0 && text[newline - 1] === '\r' ? '\r\n' : '\n';
  const colon = first === undefined ? ': ' : text.slice(first.keyEnd, first.value.start);
  const indent = memberIndent(text, root);
  // JSON.stringify indents with at most 10 characters; other whitespace is not an indentation.
  const unit = indent === null ? null : /^( {1,10}|\t{1,10})$/.test(indent) ? indent : '  ';
  return { eol, unit, colon: /^[ \t]*:[ \t]*$/.test(colon) ? colon : ': ' };
}

/** `text` with each edit applied in turn: a value set (replaced, or inserted at the end of its object) or a key removed. */
export function editJson(text: string, edits: readonly JsonEdit[], style: JsonStyle): string {
  let out = text;
  for (const edit of edits) out = apply(out, edit, style);
  return out;
}

function apply(text: string, edit: JsonEdit, style: JsonStyle): string {
  const key = edit.path.at(-1);
  if (key === undefined) throw new JsonEditError('an edit needs a path');
  // Walk to the object that holds the key, keeping the indentation of the line it starts on.
  let obj = parseRoot(text);
  let ownIndent: string | null = '';
  for (const part of edit.path.slice(0, -1)) {
    const member = obj.members.findLast((m) => m.key === part);
    if (member === undefined || member.value.kind !== 'object') {
      throw new JsonEditError(`${edit.path.join('.')}: ${part} is not an object`);
    }
    ownIndent = memberIndent(text, obj);
    obj = member.value;
  }
  // JSON.parse keeps the last of two equal keys: that one is the value in use.
  const index = obj.members.findLastIndex((m) => m.key === key);
  if ('remove' in edit) return index === -1 ? text : removeMember(text, obj, index);
  const indent = memberIndent(text, obj) ?? (obj.members.length === 0 ? innerIndent(ownIndent, style) : null);
  const member = obj.members[index];
  if (member !== undefined) {
    const old = text.slice(member.value.start, member.value.end);
    // A list or object written on one line (`[25, 10, 5]`) stays on one line.
    const oneLine = /^[[{]/.test(old) && !old.includes('\n') && !/^[[{]\s*[\]}]$/.test(old);
    const rendered = render(edit.value, oneLine ? null : indent, style);
    return text.slice(0, member.value.start) + rendered + text.slice(member.value.end);
  }
  const entry = `${JSON.stringify(key)}${style.colon}${render(edit.value, indent, style)}`;
  const last = obj.members.at(-1);
  if (last === undefined) {
    const body = indent === null ? entry : `${style.eol}${indent}${entry}${style.eol}${ownIndent ?? ''}`;
    return `${text.slice(0, obj.start + 1)}${body}${text.slice(obj.end - 1)}`;
  }
  return `${text.slice(0, last.value.end)},${separator(text, obj, style)}${entry}${text.slice(last.value.end)}`;
}

/** The indentation of a first member put into an empty object, or null to keep it on one line. */
function innerIndent(ownIndent: string | null, style: JsonStyle): string | null {
  return ownIndent === null || style.unit === null ? null : ownIndent + style.unit;
}

/** What follows the comma before a member: a line break and the members' indentation, or the spacing used inline. */
function separator(text: string, obj: ObjectNode, style: JsonStyle): string {
  const indent = memberIndent(text, obj);
  if (indent !== null) return style.eol + indent;
  const [first, second] = obj.members;
  if (first === undefined) return '';
  // One member on one line: the space after `{` if there is one, else a space when the colons have one.
  if (second === undefined) return text.slice(obj.start + 1, first.keyStart) || (style.colon.endsWith(' ') ? ' ' : '');
  return text.slice(text.indexOf(',', first.value.end) + 1, second.keyStart);
}

function removeMember(text: string, obj: ObjectNode, index: number): string {
  const member = obj.members[index];
  if (member === undefined) return text;
  const next = obj.members[index + 1];
  const previous = obj.members[index - 1];
  // Up to the next key (its indentation becomes this one's), or from the previous value (its comma goes).
  if (next !== undefined) return text.slice(0, member.keyStart) + text.slice(next.keyStart);
  if (previous !== undefined) return text.slice(0, previous.value.end) + text.slice(member.value.end);
  return text.slice(0, obj.start + 1) + text.slice(obj.end - 1);
}

/** The indentation of an object's members when they stand on lines of their own; null when it is on one line. */
function memberIndent(text: string, obj: ObjectNode): string | null {
  const first = obj.members[0];
  if (first === undefined) return null;
  const lead = text.slice(obj.start + 1, first.keyStart);
  const nl = lead.lastIndexOf('\n');
  return nl === -1 ? null : lead.slice(nl + 1);
}

/** A value as JSON: indented below `indent` in the document's unit, or on one line when `indent` is null. */
function render(value: unknown, indent: string | null, style: JsonStyle): string {
  if (indent === null || style.unit === null) return oneLine(value, style.colon.endsWith(' '));
  return JSON.stringify(value, null, style.unit)
    .split('\n')
    .join(style.eol + indent);
}

function oneLine(value: unknown, spaced: boolean): string {
  if (Array.isArray(value)) {
    return value.length === 0 ? '[]' : `[${value.map((v) => oneLine(v, spaced)).join(spaced ? ', ' : ',')}]`;
  }
  if (typeof value === 'object' && value !== null) {
    const entries = Object.entries(value).filter(([, v]) => v !== undefined);
    if (entries.length === 0) return '{}';
    const body = entries.map(([k, v]) => `${JSON.stringify(k)}${spaced ? ': ' : ':'}${oneLine(v, spaced)}`);
    return spaced ? `{ ${body.join(', ')} }` : `{${body.join(',')}}`;
  }
  return JSON.stringify(value);
}

function parseRoot(text: string): ObjectNode {
  const start = skipSpace(text, 0);
  if (text[start] !== '{') throw new JsonEditError('the document is not an object');
  return parseObject(text, start, OBJECT_DEPTH);
}

function parseObject(text: string, start: number, depth: number): ObjectNode {
  const members: Member[] = [];
  let i = skipSpace(text, start + 1);
  if (text[i] === '}') return { kind: 'object', start, end: i + 1, members };
  for (;;) {
    if (text[i] !== '"') throw new JsonEditError(`expected a key at ${i}`);
    const keyStart = i;
    const keyEnd = skipString(text, i);
    const key: unknown = JSON.parse(text.slice(keyStart, keyEnd));
    if (typeof key !== 'string') throw new JsonEditError(`bad key at ${i}`);
    i = skipSpace(text, keyEnd);
    if (text[i] !== ':') throw new JsonEditError(`expected a colon at ${i}`);
    i = skipSpace(text, i + 1);
    const value: ValueNode =
      text[i] === '{' && depth > 1
        ? parseObject(text, i, depth - 1)
        : { kind: 'other', start: i, end: skipValue(text, i) };
    members.push({ key, keyStart, keyEnd, value });
    i = skipSpace(text, value.end);
    if (text[i] === ',') {
      i = skipSpace(text, i + 1);
      continue;
    }
    if (text[i] === '}') return { kind: 'object', start, end: i + 1, members };
    throw new JsonEditError(`expected a comma or a brace at ${i}`);
  }
}

function skipSpace(text: string, from: number): number {
  let i = from;
  for (;;) {
    const c = text.charCodeAt(i);
    if (c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) return i;
    i += 1;
  }
}

/** From an opening quote to just after its closing quote. */
function skipString(text: string, from: number): number {
  for (let i = from + 1; i < text.length; i += 1) {
    const c = text.charCodeAt(i);
    if (c === 0x22) return i + 1;
    if (c === 0x5c) i += 1;
  }
  throw new JsonEditError(`a string at ${from} does not end`);
}

/** Past one value of any depth, without recursion. */
function skipValue(text: string, from: number): number {
  const first = text[from];
  if (first === '"') return skipString(text, from);
  if (first !== '{' && first !== '[') {
    let i = from;
    while (i < text.length && !/[\s,\]}]/.test(text[i] ?? '')) i += 1;
    if (i === from) throw new JsonEditError(`expected a value at ${from}`);
    return i;
  }
  let depth = 0;
  for (let i = from; i < text.length; i += 1) {
    const c = text[i];
    if (c === '"') i = skipString(text, i) - 1;
    else if (c === '{' || c === '[') depth += 1;
    else if (c === '}' || c === ']') {
      depth -= 1;
      if (depth === 0) return i + 1;
    }
  }
  throw new JsonEditError(`a value at ${from} does not end`);
}
