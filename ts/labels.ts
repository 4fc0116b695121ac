// Class labels: from a labels file (one per line, optionally "n01440764 tench, Tinca tinca" as in
// synset_words.txt, or a JSON array) or from the model's metadata. Reading a file is per platform
// (labels-file.ts in Node).
export interface Labels {
  /** short display names ("tench") */
  names: string[];
  /** identifiers such as WordNet ids, when the file has them */
  ids: (string | null)[];
}

export function parseLabels(text: string, source: string): Labels {
  const trimmed = text.trim();
  let lines: string[];
  if (trimmed.startsWith('[')) {
    let parsed: unknown;
    try { parsed = JSON.parse(trimmed); } catch (e) { throw new Error(`${source}: not valid JSON (${(e as Error).message})`); }
    if (!Array.isArray(parsed) || !parsed.every((v) => typeof v === 'string')) throw new Error(`${source}: a JSON labels file must be an array of strings`);
    lines = parsed as string[];
  } else {
    lines = trimmed.split(/\r?\n/);
  }
  if (lines.length === 0 || (lines.length === 1 && lines[0] === '')) throw new Error(`${source}: no labels`);
  const names: string[] = [], ids: (string | null)[] = [];
  for (const line of lines) {
    const m = /^(n\d{8})\s+(.*)$/.exec(line.trim());
    ids.push(m ? m[1]! : null);
    names.push((m ? m[2]! : line.trim()).split(',')[0]!.trim());
  }
  return { names, ids };
}

/** Labels stored in ONNX metadata under 'labels' (JSON array or newline-separated), if any. */
export function labelsFromMetadata(metadata: Record<string, string>): Labels | null {
  const raw = metadata['labels'] ?? metadata['deepinside.labels'];
  return raw ? parseLabels(raw, 'model metadata') : null;
}
