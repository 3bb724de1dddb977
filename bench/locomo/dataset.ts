import { readFileSync } from 'node:fs';

/** LoCoMo, read in place (its licence is non-commercial: never copy it into the project). */
export interface LocomoTurn { ref: string; speaker: string; text: string; at: string; role: 'user' }
export interface LocomoSession { externalId: string; startedAt: string; turns: LocomoTurn[] }
export interface LocomoQuestion { question: string; answer: string; evidence: string[]; category: number }
export interface LocomoConversation { id: string; sessions: LocomoSession[]; questions: LocomoQuestion[]; lastDate: string }

const MONTHS = ['january', 'february', 'march', 'april', 'may', 'june', 'july', 'august', 'september', 'october', 'november', 'december'];

/** "1:56 pm on 8 May, 2023" -> "2023-05-08T13:56:00.000Z". */
export function parseLocomoDate(text: string): string {
  const m = /(\d{1,2}):(\d{2})\s*(am|pm)\s+on\s+(\d{1,2})\s+(\w+),?\s+(\d{4})/i.exec(text);
  if (!m) throw new Error(`unparseable LoCoMo date: ${text}`);
  let hour = Number(m[1]) % 12;
  if (m[3]!.toLowerCase() === 'pm') hour += 12;
  const month = MONTHS.indexOf(m[5]!.toLowerCase());
  if (month < 0) throw new Error(`unknown month in: ${text}`);
  return new Date(Date.UTC(Number(m[6]), month, Number(m[4]), hour, Number(m[2]))).toISOString();
}

/** `D:11:26` -> `D11:26`, `D30:05` -> `D30:5`. */
export function normalizeEvidenceId(id: string): string {
  const m = /^D:?(\d+):0*(\d+)$/.exec(id.trim());
  return m ? `D${Number(m[1])}:${Number(m[2])}` : id.trim();
}

export function loadLocomo(path: string): LocomoConversation[] {
  const raw = JSON.parse(readFileSync(path, 'utf8')) as any[];
  return raw.map((sample) => {
    const conv = sample.conversation;
    const sessions: LocomoSession[] = [];
    const known = new Set<string>();
    for (let n = 1; conv[`session_${n}`]; n++) {
      const startedAt = parseLocomoDate(conv[`session_${n}_date_time`]);
      const turns = (conv[`session_${n}`] as any[]).map((t, i) => {
        known.add(t.dia_id);
        const image = t.blip_caption ? ` [shared image: ${t.blip_caption}]` : '';
        // Turns get a minute each so they keep their order in time.
        const at = new Date(Date.parse(startedAt) + i * 60_000).toISOString();
        return { ref: `${sample.sample_id}:${t.dia_id}`, speaker: t.speaker, text: `${t.speaker}: ${t.text}${image}`, at, role: 'user' as const };
      });
      sessions.push({ externalId: `${sample.sample_id}:session_${n}`, startedAt, turns });
    }
    const questions: LocomoQuestion[] = [];
    for (const qa of sample.qa as any[]) {
      const evidence = [...new Set((qa.evidence as string[]).flatMap((e) => e.split(/[;, ]+/)).filter(Boolean).map(normalizeEvidenceId))]
        .filter((id) => known.has(id)).map((id) => `${sample.sample_id}:${id}`);
      if (!evidence.length) continue;
      questions.push({ question: qa.question, answer: String(qa.answer ?? qa.adversarial_answer ?? ''), evidence, category: qa.category });
    }
    return { id: sample.sample_id, sessions, questions, lastDate: sessions.at(-1)!.startedAt };
  });
}
