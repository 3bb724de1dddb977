import { describe, expect, it } from 'vitest';
import {
  compressConversation, compressFileChanges, compressProjectState, createSnippet, dropFiller, extractDecisions,
  mergeContexts, splitSentences, type CompressedConversation,
} from '../../src/memory/compress.js';
import { contentWords } from '../../src/memory/filler.js';
import { countTokens } from '../../src/memory/tokens.js';
import type { Turn } from '../../src/memory/types.js';

/** A Claude Code session: an error, a diagnosis, a decision, a fix, and what comes next. */
const codingTurns: Turn[] = [
  { ref: 'cc-1', role: 'user', text: 'Hi Claude! Thanks for yesterday 😊' },
  { ref: 'cc-2', role: 'assistant', text: "Hello! You're welcome, happy to help. What are we working on today?" },
  { ref: 'cc-3', role: 'user', text: 'The API crashes on startup with ECONNREFUSED 127.0.0.1:27017 when I run `npm run dev`. Can you look at src/db/client.ts?' },
  { ref: 'cc-4', role: 'assistant', text: 'Sure! Let me check.' },
  { ref: 'cc-5', role: 'assistant', text: 'The client in src/db/client.ts connects to MongoDB on port 27017, but docker-compose.yml only starts a postgres service on 5432. That is why the connection is refused.' },
  { ref: 'cc-6', role: 'user', text: "Right, we dropped Mongo last week. We'll use PostgreSQL instead of MongoDB because we need transactions across invoices and time entries." },
  { ref: 'cc-7', role: 'assistant', text: 'Got it, sounds good!' },
  { ref: 'cc-8', role: 'assistant', text: 'I replaced the mongodb driver with pg in src/db/client.ts and added a Pool with max 10 connections. I also removed MONGO_URL from .env.example and added DATABASE_URL.' },
  { ref: 'cc-9', role: 'user', text: 'ok' },
  { ref: 'cc-10', role: 'assistant', text: 'Running `npx tsc --noEmit` now.' },
  { ref: 'cc-11', role: 'assistant', text: "tsc reports error TS2307: Cannot find module 'pg' in src/db/client.ts. I installed it with `npm install pg @types/pg` and the typecheck passes." },
  { ref: 'cc-12', role: 'user', text: 'Awesome, thank you so much!!! 🎉🎉' },
  { ref: 'cc-13', role: 'assistant', text: 'You are welcome! Glad I could help.' },
  { ref: 'cc-14', role: 'user', text: 'Next, please write a migration for the invoices table.' },
  { ref: 'cc-15', role: 'assistant', text: 'Next step: I will add migrations/0004_invoices.sql with the invoices table and then run the test suite.' },
];
const codingFiller = ['cc-1', 'cc-2', 'cc-4', 'cc-7', 'cc-9', 'cc-12', 'cc-13'];

/** An MSP support chat: a printer ticket, a VPN problem, an M365 onboarding, with speakers. */
const mspTurns: Turn[] = [
  { ref: 'msp-1', role: 'user', speaker: 'Dana', text: 'Good morning! Hope you had a nice weekend 🙂' },
  { ref: 'msp-2', role: 'assistant', speaker: 'Tech', text: 'Morning Dana! Yes thanks, lovely weekend. How can I help?' },
  { ref: 'msp-3', role: 'user', speaker: 'Dana', text: 'Ticket #4521: the HP LaserJet on the 2nd floor shows offline for everyone since Friday, and print jobs are stuck in the queue.' },
  { ref: 'msp-4', role: 'assistant', speaker: 'Tech', text: 'I restarted the Print Spooler on PRINT01 and cleared 14 stuck jobs. The printer got a new DHCP lease (10.0.2.57), so I set a reservation for it.' },
  { ref: 'msp-5', role: 'user', speaker: 'Dana', text: 'Haha amazing, thank you!! Also Mark cannot connect to the VPN from home since the FortiClient update.' },
  { ref: 'msp-6', role: 'assistant', speaker: 'Tech', text: "Mark's FortiClient 7.2 profile lost the pre-shared key. I re-imported the VPN profile and he is connected again." },
  { ref: 'msp-7', role: 'user', speaker: 'Dana', text: 'Great! Last thing: the new hire Priya starts Monday 3 June and needs an M365 Business Premium license and MFA.' },
  { ref: 'msp-8', role: 'assistant', speaker: 'Tech', text: 'We decided to assign licenses through the M365-Staff group rather than per user, because offboarding then only needs a group removal.' },
  { ref: 'msp-9', role: 'assistant', speaker: 'Tech', text: 'Priya is next: I will create her account today and enroll MFA with her on Monday.' },
  { ref: 'msp-10', role: 'user', speaker: 'Dana', text: 'Perfect, thanks so much! Have a great day!' },
];
const mspFiller = ['msp-1', 'msp-2', 'msp-10'];

/** Mostly pleasantries around two facts. */
const chattyTurns: Turn[] = [
  { ref: 'ch-1', role: 'user', text: 'Hey there!! 👋👋 Hope you are doing well today, haha.' },
  { ref: 'ch-2', role: 'assistant', text: "Hi! I'm doing great, thanks so much for asking! 😊 How can I help you today?" },
  { ref: 'ch-3', role: 'user', text: 'Haha, awesome!!! So, um, the nightly backup job on FS01 failed again with error 0x80070005.' },
  { ref: 'ch-4', role: 'assistant', text: 'Oh no, sorry to hear that! Let me check. One moment please!' },
  { ref: 'ch-5', role: 'assistant', text: 'Okay! Sure thing! Got it!' },
  { ref: 'ch-6', role: 'assistant', text: 'The Veeam service account lost write access to \\\\NAS02\\backups after the password rotation on 2 May.' },
  { ref: 'ch-7', role: 'user', text: 'Wow, amazing, thank you!!! You are the best!! 🎉🎉🎉 lol' },
  { ref: 'ch-8', role: 'assistant', text: "You're very welcome! Happy to help anytime! Have a wonderful day! 😊" },
  { ref: 'ch-9', role: 'user', text: 'Thanks again!! Talk soon! Bye!' },
  { ref: 'ch-10', role: 'assistant', text: 'Bye! Take care! 👋' },
];

const outputOf = (r: CompressedConversation) => [r.dense_summary, ...r.key_decisions, r.current_state].filter(Boolean).join('\n');
const tokensOf = (r: CompressedConversation) =>
  countTokens(r.dense_summary) + r.key_decisions.reduce((n, d) => n + countTokens(d), 0) + countTokens(r.current_state);

/** Every referenced turn shares a content word with the output, and the filler-only turns are never referenced. */
function expectHonestRefs(turns: Turn[], r: CompressedConversation, fillerRefs: string[]): void {
  const out = new Set(contentWords(outputOf(r)));
  for (const ref of r.source_refs) {
    const turn = turns.find((t) => t.ref === ref);
    expect(turn, ref).toBeDefined();
    expect(contentWords(turn!.text).some((w) => out.has(w)), ref).toBe(true);
  }
  for (const ref of fillerRefs) expect(r.source_refs).not.toContain(ref);
  // And the converse: a turn with a sentence in the output is referenced.
  const speakers = [...new Set(turns.flatMap((t) => (t.speaker ? [t.speaker] : [])))];
  const lines = outputOf(r).split('\n').map((l) => speakers.reduce((x, sp) => (x.startsWith(`${sp}: `) ? x.slice(sp.length + 2) : x), l));
  for (const turn of turns) {
    const clean = dropFiller(turn.text);
    const present = lines.some((l) => splitSentences(l).some((s) => !s.endsWith('…') && clean.includes(s)));
    if (present) expect(r.source_refs, turn.ref).toContain(turn.ref);
  }
}

describe('dropFiller', () => {
  it.each([
    ['Hi there! 😊 Thanks so much for your help!!! The printer on floor 2 is jammed again, haha. Let me know if you need anything else.', 'The printer on floor 2 is jammed again.'],
    ['Sure! Let me check.', ''],
    ['Okay, the build passes now!!! 🎉', 'the build passes now!'],
    ['Let me check the nginx config in /etc/nginx/sites-enabled/app.conf.', 'Let me check the nginx config in /etc/nginx/sites-enabled/app.conf.'],
    ['Hey Mel! Good to see you! I went to the LGBTQ support group on 7 May 2023 :) lol', 'Mel! I went to the LGBTQ support group on 7 May 2023'],
    ['wow wow, that that is great. Restart PRINT01 at 18:30 on 2024-05-02, thanks!', 'Restart PRINT01 at 18:30 on 2024-05-02!'],
    ['Great, thanks!\n\n\n```bash\nnpm   run build\n```\nHope this helps!', '```bash\nnpm   run build\n```'],
    ['Well-known issue: right-click the printer. No, the spooler is wrong.', 'Well-known issue: right-click the printer. No, the spooler is wrong.'],
    ['  Cheers,\nDave  ', 'Dave'],
    ["I'd add it to the store.", "I'd add it to the store."],
    ['Why??? Why did the VPN drop?!?!', 'Why did the VPN drop?'],
    // Whitespace: every run of spaces, tabs and other blanks becomes one space; emoticons go, an "x" or ":" in words stays.
    ['Fixed\tthe  VPN \t tunnel\u00a0today.  Then\u2003restarted nginx :) ok', 'Fixed the VPN tunnel today. Then restarted nginx ok'],
    ['Run `npm  test`\t\tnow xD and then ;-) deploy', 'Run `npm test` now and then deploy'],
    [':) great fix for the DNS zone', 'great fix for the DNS zone'],
    ['Box: the Xen host at 10.0.0.1 runs x86', 'Box: the Xen host at 10.0.0.1 runs x86'],
  ])('%j', (input, expected) => {
    expect(dropFiller(input)).toBe(expected);
  });

  it('keeps every content word, name, number and date of a factual text', () => {
    const text = 'On 3 June 2024 Priya Shah moved 1,250 mailboxes from Exchange 2016 to M365 using MigrationWiz v4.2.';
    expect(dropFiller(text)).toBe(text);
    expect(dropFiller('HM Revenue wrote about the UH campus trip to Bora Bora on 12/05.')).toBe('HM Revenue wrote about the UH campus trip to Bora Bora on 12/05.');
  });
});

describe('contentWords', () => {
  it('drops weak words and keeps every number and word with a digit', () => {
    expect(contentWords('So the 2 of us got 10 okay, ok i18n and a1 on day 3')).toEqual(['2', '10', 'i18n', 'a1', '3']);
  });
});

describe('splitSentences', () => {
  it('splits on sentence ends but not abbreviations, file names or inline code', () => {
    expect(splitSentences('It failed, e.g. in app.ts. Then `a. b` ran! Dr. Smith asked why? yes...\nnext line')).toEqual([
      'It failed, e.g. in app.ts.', 'Then `a. b` ran!', 'Dr. Smith asked why?', 'yes...', 'next line',
    ]);
  });
});

describe('compressConversation', () => {
  it('summarizes a coding session (golden)', () => {
    expect(compressConversation(codingTurns)).toEqual({
      title: 'The API crashes on startup with ECONNREFUSED 127.0.0.1:27017 when I run `npm run dev`',
      dense_summary: [
        'The API crashes on startup with ECONNREFUSED 127.0.0.1:27017 when I run `npm run dev`. Can you look at src/db/client.ts?',
        'The client in src/db/client.ts connects to MongoDB on port 27017, but docker-compose.yml only starts a postgres service on 5432. That is why the connection is refused.',
        'we dropped Mongo last week.',
        'I replaced the mongodb driver with pg in src/db/client.ts and added a Pool with max 10 connections. I also removed MONGO_URL from .env.example and added DATABASE_URL.',
        'Running `npx tsc --noEmit` now.',
        "tsc reports error TS2307: Cannot find module 'pg' in src/db/client.ts. I installed it with `npm install pg @types/pg` and the typecheck passes.",
      ].join('\n'),
      key_decisions: ["We'll use PostgreSQL instead of MongoDB because we need transactions across invoices and time entries."],
      current_state: 'Next, please write a migration for the invoices table. Next step: I will add migrations/0004_invoices.sql with the invoices table and then run the test suite.',
      tags: ['typescript', 'mongodb', 'error', 'nodejs', 'postgresql', 'econnrefused', 'docker', 'ts2307', 'sql', 'testing'],
      source_refs: ['cc-3', 'cc-5', 'cc-6', 'cc-8', 'cc-10', 'cc-11', 'cc-14', 'cc-15'],
    });
  });

  it('keeps the most informative sentences when the budget is tight (golden, 100 tokens)', () => {
    const r = compressConversation(codingTurns, { maxTokens: 100 });
    expect(r).toEqual({
      title: 'The API crashes on startup with ECONNREFUSED 127.0.0.1:27017 when I run `npm run dev`',
      dense_summary: [
        'The API crashes on startup with ECONNREFUSED 127.0.0.1:27017 when I run `npm run dev`.',
        "tsc reports error TS2307: Cannot find module 'pg' in src/db/client.ts. I installed it with `npm install pg @types/pg` and the typecheck passes.",
      ].join('\n'),
      key_decisions: ["We'll use PostgreSQL instead of MongoDB because we need transactions across invoices and time entries."],
      current_state: 'Next, please write a migration for the invoices table.',
      tags: ['typescript', 'mongodb', 'error', 'nodejs', 'postgresql', 'econnrefused', 'docker', 'ts2307', 'sql', 'testing'],
      source_refs: ['cc-3', 'cc-6', 'cc-11', 'cc-14'],
    });
    expect(tokensOf(r)).toBeLessThanOrEqual(100);
  });

  it('summarizes an MSP support chat with speakers (golden)', () => {
    expect(compressConversation(mspTurns)).toEqual({
      title: 'Ticket #4521: the HP LaserJet on the 2nd floor shows offline for everyone since Friday, and print jobs are stuck in the queue',
      dense_summary: [
        'Dana: Ticket #4521: the HP LaserJet on the 2nd floor shows offline for everyone since Friday, and print jobs are stuck in the queue.',
        'Tech: I restarted the Print Spooler on PRINT01 and cleared 14 stuck jobs. The printer got a new DHCP lease (10.0.2.57), so I set a reservation for it.',
        'Dana: Also Mark cannot connect to the VPN from home since the FortiClient update.',
        "Tech: Mark's FortiClient 7.2 profile lost the pre-shared key. I re-imported the VPN profile and he is connected again.",
        'Dana: Last thing: the new hire Priya starts Monday 3 June and needs an M365 Business Premium license and MFA.',
      ].join('\n'),
      key_decisions: ['We decided to assign licenses through the M365-Staff group rather than per user, because offboarding then only needs a group removal.'],
      current_state: 'Priya is next: I will create her account today and enroll MFA with her on Monday.',
      tags: ['printer', 'vpn', 'm365', 'licensing', 'mfa', 'ticket', '#4521', 'dhcp', 'onboarding', 'offboarding'],
      source_refs: ['msp-3', 'msp-4', 'msp-5', 'msp-6', 'msp-7', 'msp-8', 'msp-9'],
    });
  });

  it('drops pleasantries: a filler-heavy chat shrinks below half its tokens (golden)', () => {
    const r = compressConversation(chattyTurns);
    expect(r).toEqual({
      title: 'So the nightly backup job on FS01 failed again with error 0x80070005',
      dense_summary: 'So the nightly backup job on FS01 failed again with error 0x80070005.',
      key_decisions: [],
      current_state: 'The Veeam service account lost write access to \\\\NAS02\\backups after the password rotation on 2 May.',
      tags: ['backup', 'error', '0x80070005', 'password'],
      source_refs: ['ch-3', 'ch-6'],
    });
    const input = countTokens(chattyTurns.map((t) => t.text).join('\n'));
    expect(tokensOf(r)).toBeLessThan(input * 0.5);
    expect(countTokens(JSON.stringify(r))).toBeLessThan(countTokens(JSON.stringify(chattyTurns)) * 0.5);
  });

  it('lists exactly the turns whose content it kept', () => {
    expectHonestRefs(codingTurns, compressConversation(codingTurns), codingFiller);
    expectHonestRefs(mspTurns, compressConversation(mspTurns), mspFiller);
    expectHonestRefs(chattyTurns, compressConversation(chattyTurns), ['ch-1', 'ch-2', 'ch-4', 'ch-5', 'ch-7', 'ch-8', 'ch-9', 'ch-10']);
    for (const maxTokens of [20, 40, 60, 100, 150]) {
      expectHonestRefs(codingTurns, compressConversation(codingTurns, { maxTokens }), codingFiller);
      expectHonestRefs(mspTurns, compressConversation(mspTurns, { maxTokens }), mspFiller);
    }
  });

  it('stays within maxTokens (cl100k) for every budget', () => {
    for (const turns of [codingTurns, mspTurns, chattyTurns]) {
      for (const maxTokens of [0, 10, 25, 50, 80, 120, 200, 400, 1000]) {
        const r = compressConversation(turns, { maxTokens });
        expect(tokensOf(r), `${turns[0].ref} @ ${maxTokens}`).toBeLessThanOrEqual(maxTokens);
      }
    }
    expect(compressConversation(codingTurns, { maxTokens: 0 }).source_refs).toEqual([]);
  });

  it('truncates the top decision and current state rather than dropping them on a small budget', () => {
    const r = compressConversation(mspTurns, { maxTokens: 60 });
    expect(r.key_decisions).toEqual(['We decided to assign licenses through the M365-Staff group rather than per user,…']);
    expect(r.current_state).toBe('Priya is next: I will create her account today…');
    expect(r.dense_summary).toBe('Dana: Also Mark cannot connect to the VPN from home since the FortiClient update.');
    expect(r.source_refs).toEqual(['msp-5', 'msp-8', 'msp-9']);
  });

  it('collapses repeated text and does not repeat a speaker prefix already in the text', () => {
    const turns: Turn[] = [
      { ref: 'a', speaker: 'Caroline', text: 'Caroline: I went to the LGBTQ support group on Saturday.' },
      { ref: 'b', speaker: 'Melanie', text: 'Melanie: Wow, that is great! I painted a sunrise over the lake last week.' },
      { ref: 'c', speaker: 'Caroline', text: 'Caroline: I went to the LGBTQ support group on Saturday!' },
    ];
    const r = compressConversation(turns);
    expect(r).toMatchObject({
      dense_summary: 'Caroline: I went to the LGBTQ support group on Saturday.',
      current_state: 'I painted a sunrise over the lake last week.',
      source_refs: ['a', 'b', 'c'], // c repeats a: its content is in the summary, so it is referenced
    });
    expectHonestRefs(turns, r, []);
  });

  it('is deterministic and handles an empty conversation', () => {
    expect(compressConversation(codingTurns)).toEqual(compressConversation(codingTurns));
    expect(compressConversation(mspTurns, { maxTokens: 77 })).toEqual(compressConversation(mspTurns, { maxTokens: 77 }));
    expect(compressConversation([])).toEqual({ title: '', dense_summary: '', key_decisions: [], current_state: '', tags: [], source_refs: [] });
  });
});

describe('createSnippet', () => {
  it('removes filler and repetition, titles from the first meaningful sentence (golden)', () => {
    const text = 'Hey team! 👋 Quick one, haha. To clear a stuck print queue on PRINT01, stop the Print Spooler, delete C:\\Windows\\System32\\spool\\PRINTERS\\*, then start the spooler again.   ' +
      'To clear a stuck print queue on PRINT01, stop the Print Spooler, delete C:\\Windows\\System32\\spool\\PRINTERS\\*, then start the spooler again. Hope this helps!!! Cheers';
    const dense = 'To clear a stuck print queue on PRINT01, stop the Print Spooler, delete C:\\Windows\\System32\\spool\\PRINTERS\\*, then start the spooler again.';
    expect(createSnippet(text, ' Command ')).toEqual({
      title: dense.slice(0, -1), dense_content: dense, category: 'command', tags: ['printer', 'windows'],
    });
    expect(countTokens(createSnippet(text, 'command').dense_content)).toBeLessThan(countTokens(text) * 0.5);
  });

  it('keeps code verbatim and falls back to it for the title', () => {
    expect(createSnippet('Sure!\n```powershell\nRestart-Service   Spooler\n```\nThat fixes it.', 'command')).toEqual({
      title: 'Restart-Service Spooler',
      dense_content: '```powershell\nRestart-Service   Spooler\n```\nThat fixes it.',
      category: 'command',
      tags: ['powershell', 'printer'],
    });
  });

  it('caps the title at 200 characters on a word boundary', () => {
    const long = `The backup policy covers ${Array.from({ length: 60 }, (_, i) => `share${i}`).join(' ')} and more.`;
    const { title } = createSnippet(long, 'fact');
    expect(title.length).toBeLessThanOrEqual(200);
    expect(title).toMatch(/^The backup policy covers share0 share1 .* share\d+…$/);
  });
});

describe('compressProjectState', () => {
  it('renders the non-empty parts compactly, files grouped by directory (golden)', () => {
    expect(compressProjectState({
      current_phase: 'build',
      progress_percentage: 60.4,
      blockers: ['Waiting on the MariaDB CI runner!!', ''],
      next_actions: ['Write golden tests', 'write golden tests.', 'Run the LoCoMo benchmark'],
      key_files: ['src/memory/tags.ts', 'src/memory/compress.ts', 'test/memory/tags.test.ts', 'package.json', './src/memory/tags.ts'],
      context_summary: 'Hi! The memory engine is being built. 😊',
      important_decisions: ['Use cl100k for every budget'],
    })).toBe([
      'Phase: build (60%)',
      'Summary: The memory engine is being built.',
      'Blockers: Waiting on the MariaDB CI runner',
      'Next: Write golden tests; Run the LoCoMo benchmark',
      'Decisions: Use cl100k for every budget',
      'Files: src/memory/: tags.ts, compress.ts; test/memory/: tags.test.ts; ./: package.json',
    ].join('\n'));
  });

  it('omits what is missing', () => {
    expect(compressProjectState({})).toBe('');
    expect(compressProjectState({ current_phase: null, progress_percentage: 140, blockers: null, next_actions: [] })).toBe('Progress: 100%');
    expect(compressProjectState({ key_files: ['README.md'] })).toBe('Files: ./: README.md');
  });
});

describe('extractDecisions', () => {
  it('finds the decisions of both conversations (golden)', () => {
    expect(extractDecisions(codingTurns.map((t) => t.text).join('\n'))).toEqual([{
      decision_text: "We'll use PostgreSQL instead of MongoDB",
      rationale: 'we need transactions across invoices and time entries',
      alternatives_considered: 'MongoDB',
      decision_type: 'technology',
      impact: 'medium',
    }]);
    expect(extractDecisions(mspTurns.map((t) => t.text).join('\n'))).toEqual([{
      decision_text: 'We decided to assign licenses through the M365-Staff group rather than per user',
      rationale: 'offboarding then only needs a group removal',
      alternatives_considered: 'per user',
      decision_type: 'process',
      impact: 'medium',
    }]);
  });

  it.each([
    ['After the outage we decided to switch from Redis sessions to signed JWT cookies. The reason is that Redis was a single point of failure.', {
      decision_text: 'After the outage we decided to switch from Redis sessions to signed JWT cookies',
      rationale: 'that Redis was a single point of failure', alternatives_considered: 'Redis sessions', decision_type: 'technology', impact: 'critical',
    }],
    ['We chose Fastify over Express since it validates schemas natively.', {
      decision_text: 'We chose Fastify over Express', rationale: 'it validates schemas natively', alternatives_considered: 'Express', decision_type: 'technology', impact: 'medium',
    }],
    ['Going with WireGuard rather than OpenVPN for the site-to-site tunnel, as it is faster.', {
      decision_text: 'Going with WireGuard rather than OpenVPN for the site-to-site tunnel', rationale: 'it is faster', alternatives_considered: 'OpenVPN', decision_type: 'infrastructure', impact: 'medium',
    }],
    ['Decision: rename the helper to dropFiller.', {
      decision_text: 'rename the helper to dropFiller', rationale: null, alternatives_considered: null, decision_type: 'general', impact: 'low',
    }],
    ['We considered Kafka and RabbitMQ but we will use a plain SQLite outbox table.', {
      decision_text: 'We considered Kafka and RabbitMQ but we will use a plain SQLite outbox table', rationale: null, alternatives_considered: 'Kafka and RabbitMQ', decision_type: 'technology', impact: 'medium',
    }],
    ['We agreed to enforce MFA for all admin accounts because of the phishing incident.', {
      decision_text: 'We agreed to enforce MFA for all admin accounts', rationale: 'of the phishing incident', alternatives_considered: null, decision_type: 'security', impact: 'medium',
    }],
    ["We'll migrate the production database to PostgreSQL 16 this weekend, a breaking schema change.", {
      decision_text: "We'll migrate the production database to PostgreSQL 16 this weekend, a breaking schema change", rationale: null, alternatives_considered: null, decision_type: 'technology', impact: 'high',
    }],
  ])('%s', (text, expected) => {
    expect(extractDecisions(text)).toEqual([expected]);
  });

  it('ignores sentences that decide nothing, and repeats', () => {
    expect(extractDecisions('I went over the logs. The printer is back online. We looked at the backups over the weekend.')).toEqual([]);
    expect(extractDecisions("We'll use Redis. we'll use redis!")).toHaveLength(1);
  });
});

describe('mergeContexts', () => {
  it('collapses exact and near-duplicate sentences, unions refs and tags, keeps the earliest time (golden)', () => {
    expect(mergeContexts([
      { title: 'VPN outage', text: 'The FortiGate VPN dropped at 09:10. Users in Leeds could not reach the file server.', tags: ['vpn', 'Firewall'], source_refs: ['t-3', 't-4'], created_at: '2024-05-02T09:15:00Z' },
      { title: null, text: "The FortiGate VPN dropped at 09:10! Users in Leeds couldn't reach the file server at all. Root cause: an expired certificate on the FortiGate.", tags: ['firewall', 'tls'], source_refs: ['t-4', 't-7'], created_at: '2024-05-01T17:00:00Z' },
      { text: 'root cause: an expired certificate on the fortigate', source_refs: ['t-9'] },
    ])).toEqual({
      title: 'VPN outage',
      text: 'The FortiGate VPN dropped at 09:10. Users in Leeds could not reach the file server.\nRoot cause: an expired certificate on the FortiGate.',
      tags: ['vpn', 'firewall', 'tls'],
      source_refs: ['t-3', 't-4', 't-7', 't-9'],
      created_at: '2024-05-01T17:00:00Z',
    });
  });

  it('keeps the fuller of two near-duplicates and titles from text when no title is given', () => {
    expect(mergeContexts([
      { text: 'Backup job on FS01 failed with 0x80070005.' },
      { text: 'The nightly backup job on FS01 failed with 0x80070005 again.' },
    ])).toEqual({
      title: 'The nightly backup job on FS01 failed with 0x80070005 again',
      text: 'The nightly backup job on FS01 failed with 0x80070005 again.',
      tags: [],
      source_refs: [],
    });
    expect(mergeContexts([])).toEqual({ title: '', text: '', tags: [], source_refs: [] });
  });
});

describe('compressFileChanges', () => {
  const changes = [
    { path: 'src/memory/tags.ts', kind: 'created' as const, lines_added: 120 },
    { path: './src/memory/compress.ts', kind: 'modified' as const, lines_added: 40, lines_removed: 3 },
    { path: 'test\\memory\\tags.test.ts', kind: 'created' as const },
    { path: 'src/memory/compress.ts', lines_added: 2 },
    { path: 'README.md' },
    { path: 'src/old/util.ts -> src/memory/util.ts' },
    { path: 'src/legacy.ts', kind: 'deleted' as const, lines_removed: 80 },
  ];

  it('groups by directory with compact change kinds (golden)', () => {
    expect(compressFileChanges(changes)).toBe(
      'src/memory/: +tags.ts (+120/-0), ~compress.ts (+42/-3), >util.ts (from src/old/util.ts); test/memory/: +tags.test.ts; ./: ~README.md; src/: -legacy.ts (+0/-80)',
    );
    expect(compressFileChanges([
      { path: 'src/memory/tags.ts', kind: 'created' },
      { path: 'src/memory/compress.ts', kind: 'modified', lines_added: 40, lines_removed: 3 },
      { path: 'test/tags.test.ts', kind: 'created' },
    ])).toBe('src/memory/: +tags.ts, ~compress.ts (+40/-3); test/: +tags.test.ts');
  });

  it('keeps every touched file findable by name', () => {
    const out = compressFileChanges(changes);
    for (const name of ['tags.ts', 'compress.ts', 'tags.test.ts', 'README.md', 'util.ts', 'src/old/util.ts', 'legacy.ts']) expect(out).toContain(name);
  });

  it('merges repeated paths: created then modified stays created, deleted last wins', () => {
    expect(compressFileChanges([
      { path: 'a/x.ts', kind: 'created' }, { path: 'a/x.ts', kind: 'modified' },
      { path: 'a/y.ts', kind: 'modified' }, { path: 'a/y.ts', kind: 'deleted' },
    ])).toBe('a/: +x.ts, -y.ts');
    expect(compressFileChanges([])).toBe('');
  });
});
