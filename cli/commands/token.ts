// `flotilla token create|list|delete`: bootstrap tokens for `flotilla register`.

import { defineCommand, UsageError } from '../command.js';
import { controlPlaneFlags } from '../cluster/flags.js';

export const command = defineCommand({
  name: 'token',
  summary: 'Manage bootstrap tokens for registering Pull-mode clusters (create, list, delete)',
  usage: 'create|list|delete [TOKEN] [flags]',
  description: [
    'Manage bootstrap tokens, as karmadactl token does. A bootstrap token lets',
    "'flotilla register' register one Pull-mode cluster: it is a Secret bootstrap-token-ID in",
    'kube-system and authenticates as system:bootstrap:ID in the group system:bootstrappers.',
    '',
    "'create' also sets up, once, what registration needs: the roles that let bootstrappers",
    'create a Cluster, its agent ServiceAccount, token and narrow roles (and nothing else), and',
    "kube-public/cluster-info with the control plane's CA, which register checks against",
    '--discovery-token-ca-cert-hash.',
  ].join('\n'),
  allowPositionals: true,
  flags: {
    ...controlPlaneFlags,
    ttl: { type: 'string', valueName: 'DURATION', default: '24h', description: 'How long the token is valid (e.g. 2h, 30m; 0 never expires)' },
    description: { type: 'string', valueName: 'TEXT', description: 'A description stored with the token' },
    'print-register-command': { type: 'boolean', description: 'Print the whole flotilla register command instead of the token alone' },
  },
  examples: [
    'flotilla token create --print-register-command',
    'flotilla token create --ttl 1h',
    'flotilla token list',
    'flotilla token delete abcdef',
  ],
  async run({ flags, positionals, invocationDir }) {
    const [sub, ...rest] = positionals;
    if (!sub || !['create', 'list', 'delete'].includes(sub)) throw new UsageError("flotilla token: say 'create', 'list' or 'delete'");
    const { asCommand, controlPlaneClient } = await import('../cluster/command-support.js');
    const tokens = await import('../cluster/token.js');
    if (sub === 'create') {
      if (rest.length) throw new UsageError(`flotilla token create: unexpected argument '${rest[0]}'`);
      const { parseDuration } = await import('../cluster/duration.js');
      const ttlMs = parseDuration(flags.ttl);
      if (ttlMs === undefined) throw new UsageError(`flotilla token create: --ttl must be a duration such as 24h or 30m, got '${flags.ttl}'`);
      const cp = controlPlaneClient(flags, invocationDir);
      const created = await asCommand(() => tokens.createToken(cp, { ttlMs, description: flags.description }));
      process.stdout.write(`${flags['print-register-command'] ? tokens.registerCommandLine(created) : created.token}\n`);
      return 0;
    }
    const cp = controlPlaneClient(flags, invocationDir);
    if (sub === 'list') {
      const list = await asCommand(() => tokens.listTokens(cp));
      const rows = [['TOKEN', 'EXPIRES', 'USAGES', 'DESCRIPTION', 'EXTRA GROUPS'], ...list.map((t) => [`${t.id}.<secret>`, t.expires, t.usages.join(','), t.description || '<none>', t.groups])];
      const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
      for (const r of rows) process.stdout.write(`${r.map((c, i) => c.padEnd(widths[i]! + 3)).join('').trimEnd()}\n`);
      return 0;
    }
    if (rest.length === 0) throw new UsageError('flotilla token delete: the token (or its id) is required');
    for (const t of rest) {
      const deleted = await asCommand(() => tokens.deleteToken(cp, t));
      process.stdout.write(deleted ? `bootstrap token "${t.split('.')[0]}" deleted\n` : `bootstrap token "${t.split('.')[0]}" not found\n`);
    }
    return 0;
  },
});
