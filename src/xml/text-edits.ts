/** Splicing new text into a document's own text, so everything not edited goes back byte for byte. */

/** One replacement of the text between two offsets of the original document. */
export interface TextEdit {
  start: number;
  end: number;
  insert: string;
}

/** Applies non-overlapping edits (given in any order) to the original text. */
export function applyTextEdits(text: string, edits: readonly TextEdit[]): string {
  const sorted = [...edits].sort((a, b) => b.start - a.start || b.end - a.end);
  let out = text;
  let limit = Infinity;
  for (const edit of sorted) {
    if (edit.end > limit) throw new Error('overlapping XML edits');
    out = out.slice(0, edit.start) + edit.insert + out.slice(edit.end);
    limit = edit.start;
  }
  return out;
}
