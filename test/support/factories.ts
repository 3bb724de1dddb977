import { randomBytes } from 'node:crypto';

const rand = () => randomBytes(5).toString('hex');

/** Fresh random valid data, so tests need no cleanup and never collide. */
export const build = {
  user: (over: Record<string, unknown> = {}) => ({
    email: `user-${rand()}@example.test`, name: `User ${rand()}`, role: 'technician', ...over,
  }),
  machine: (over: Record<string, unknown> = {}) => ({
    hostname: `host-${rand()}`, friendly_name: `Laptop ${rand()}`, platform: 'linux', os_version: 'Debian 12',
    username: `u${rand()}`, home_dir: '/home/me', capabilities: { git: '2.39', docker: true }, claude_code_version: '2.0.1',
    ...over,
  }),
};
