/** A filled reply is cut at this length: a template of many placeholders with long values must not grow without end. */
export const MAX_REPLY_CHARS = 4_000;
/** At most this many characters are read from context values per reply: blank values repeated add nothing but work. */
const MAX_VALUE_CHARS_READ = 4 * MAX_REPLY_CHARS;

const PUNCTUATION = new Set([',', '.', '!', '?']);
const isSpace = (c: string) => c === ' ' || c === '\t' || c === '\n' || c === '\r' || c === '\f' || c === '\v' || c === '\u00a0';
const isNameStart = (c: string) => c >= 'a' && c <= 'z';
const isNameChar = (c: string) => isNameStart(c) || (c >= '0' && c <= '9') || c === '_';

/**
 * Fills `{name}` from context, drops unknown placeholders and the spaces they leave behind (no space before `,.!?`,
 * one space for a run of spaces), trims, and cuts the result at MAX_REPLY_CHARS on a word boundary. One pass over the
 * template, reading at most MAX_VALUE_CHARS_READ characters of values: linear in the template whatever the context (the
 * regex chain it replaces backtracked quadratically over long runs of spaces).
 */
export function fillPlaceholders(template: string, context: Record<string, string> = {}): string {
  let out = '';
  let pendingSpace = '';
  let full = false;
  let valueBudget = MAX_VALUE_CHARS_READ;
  const emitValue = (text: string) => {
    const read = Math.min(text.length, valueBudget);
    valueBudget -= read;
    emit(read < text.length ? text.slice(0, read) : text);
    if (valueBudget === 0) full = true;
  };
  const emit = (text: string) => {
    for (let i = 0; i < text.length && !full; i++) {
      const c = text[i]!;
      if (isSpace(c)) {
        // A run of plain spaces becomes one; other whitespace (a line break) is kept as written.
        if (c !== ' ' || !pendingSpace.endsWith(' ')) pendingSpace += c;
        continue;
      }
      if (!PUNCTUATION.has(c) && out.length > 0) out += pendingSpace;
      pendingSpace = '';
      out += c;
      if (out.length >= MAX_REPLY_CHARS) full = true;
    }
  };
  for (let i = 0; i < template.length && !full; i++) {
    const c = template[i]!;
    if (c === '{' && isNameStart(template[i + 1] ?? '')) {
      let j = i + 2;
      while (j < template.length && isNameChar(template[j]!)) j++;
      if (template[j] === '}') {
        emitValue(context[template.slice(i + 1, j)] ?? '');
        i = j;
        continue;
      }
      // Not a placeholder: the brace and the name are text; carry on after the name, never rescanning it.
      emit(template.slice(i, j));
      i = j - 1;
      continue;
    }
    emit(c);
  }
  return out.length >= MAX_REPLY_CHARS ? cutAtWord(out) : out;
}

function cutAtWord(text: string): string {
  const cut = text.slice(0, MAX_REPLY_CHARS - 1);
  const space = cut.lastIndexOf(' ');
  return `${(space > MAX_REPLY_CHARS / 2 ? cut.slice(0, space) : cut).trimEnd()}…`;
}
