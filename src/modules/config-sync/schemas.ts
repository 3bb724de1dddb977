import { z } from 'zod';

/**
 * Which files sync: CLAUDE.md and the agents/, commands/ and skills/ trees of `~/.claude`, by
 * relative path. Never credentials, settings or transcripts: anything else is refused by name.
 */
export const SYNCED_PATH = /^(?:CLAUDE\.md|(?:agents|commands|skills)\/(?:[\w.@-]+\/)*[\w.@-]+)$/;
export const MAX_FILE_CHARS = 256 * 1024;

const FilePath = z.string().max(300).regex(SYNCED_PATH, 'only CLAUDE.md and files under agents/, commands/, skills/').refine((p) => !p.split('/').some((s) => s === '..' || s.startsWith('.')), 'no hidden or parent segments');

export const PushBody = z.object({
  base_version: z.int().min(0).nullable().describe('The version this push was made from (null for the first push); a newer one on the server is a conflict'),
  files: z.record(FilePath, z.string().max(MAX_FILE_CHARS)).describe('Relative path -> file text: the whole set, not a diff'),
  machine_id: z.uuid().optional(),
}).strict();

export const VersionMeta = z.object({
  version: z.int(), file_count: z.int(), content_hash: z.string(), machine_id: z.string().nullable(), created_at: z.string(),
});

export const VersionWithFiles = VersionMeta.extend({ files: z.record(z.string(), z.string()) });
export const VersionList = z.object({ items: z.array(VersionMeta) });
