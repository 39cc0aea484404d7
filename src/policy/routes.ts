// The policy's HTTP face: the published policy for everyone (JSON and a page for people), and
// publishing and comparing versions for staff holding `policy:publish`.
import type { FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AreaPlugin } from '../api/app.ts';
import { principalOf, requireAuth } from '../api/auth.ts';
import { requestLang } from '../api/errors.ts';
import type { Locale } from '../money/index.ts';
import { localDateTime } from './calendar.ts';
import { diffDocuments, formatChanges } from './diff.ts';
import { policyToWire } from './document.ts';
import { POLICY_YAML_CHARS_MAX } from './load.ts';
import { renderPolicyPage } from './render.ts';
import { policyWireSchema } from './schema.ts';
import type { PolicyVersionStatus } from './service.ts';
import type { PolicyVersion, PolicyVersionSummary } from './store.ts';

const versionNumber = z
  .string()
  .regex(/^[1-9][0-9]{0,8}$/, 'a version is a positive whole number')
  .transform((text) => Number.parseInt(text, 10));

const statusSchema = z.enum(['scheduled', 'in_force', 'superseded']);

const summarySchema = z.object({
  object: z.literal('policy_version'),
  version: z.number().int(),
  status: statusSchema,
  effective_from: z.string().describe('ISO 8601, UTC'),
  published_at: z.string(),
  checksum: z.string().describe('SHA-256 of the canonical JSON document'),
});

const policyResponse = summarySchema.extend({
  object: z.literal('policy'),
  policy: policyWireSchema,
});

const publishedResponse = policyResponse.extend({ published_by: z.string().nullable() });

const changeSchema = z.object({
  path: z.string(),
  change: z.enum(['added', 'removed', 'changed']),
  from: z.unknown().optional(),
  to: z.unknown().optional(),
});

const LIST_LIMIT_MAX = 100;

function summaryBody(summary: PolicyVersionSummary, status: PolicyVersionStatus) {
  return {
    object: 'policy_version' as const,
    version: summary.version,
    status,
    effective_from: summary.effective_from.toISOString(),
    published_at: summary.published_at.toISOString(),
    checksum: summary.checksum,
  };
}

function policyBody(version: PolicyVersion, status: PolicyVersionStatus) {
  return { ...summaryBody(version, status), object: 'policy' as const, policy: policyToWire(version.policy) };
}

/** The page speaks Korean unless asked otherwise: the operator's people are in Korea first. */
function pageLang(request: FastifyRequest, asked: Locale | undefined): Locale {
  if (asked) return asked;
  return typeof request.headers['accept-language'] === 'string' ? requestLang(request) : 'ko';
}

export const policyRoutes: AreaPlugin = async (fastify, { ctx }) => {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  const service = () => ctx.services.policy;
  const versionOrInForce = (version: number | undefined) => (version === undefined ? service().inForce() : service().getVersion(version));
  const cacheFor = (requested: number | undefined) => (requested === undefined ? 'public, max-age=60' : 'public, max-age=86400');

  app.get(
    '/v1/policy',
    {
      schema: {
        tags: ['policy'],
        summary: 'The policy in force, or any published version',
        querystring: z.object({ version: versionNumber.optional() }).strict(),
        response: { 200: policyResponse },
      },
    },
    async (request, reply) => {
      const version = await versionOrInForce(request.query.version);
      reply.header('cache-control', cacheFor(request.query.version));
      return policyBody(version, await service().statusOf(version.version));
    },
  );

  app.get(
    '/v1/policy/versions',
    {
      schema: {
        tags: ['policy'],
        summary: 'Published policy versions, newest first',
        querystring: z
          .object({
            limit: z
              .string()
              .regex(/^[1-9][0-9]{0,2}$/)
              .transform((text) => Number.parseInt(text, 10))
              .pipe(z.number().max(LIST_LIMIT_MAX))
              .optional(),
            starting_after: versionNumber.optional(),
          })
          .strict(),
        response: { 200: z.object({ object: z.literal('list'), data: z.array(summarySchema), has_more: z.boolean() }) },
      },
    },
    async (request) => {
      const limit = request.query.limit ?? 20;
      const after = request.query.starting_after;
      const all = (await service().listVersions()).filter((summary) => after === undefined || summary.version < after);
      const page = all.slice(0, limit);
      const data = await Promise.all(page.map(async (summary) => summaryBody(summary, await service().statusOf(summary.version))));
      return { object: 'list' as const, data, has_more: all.length > limit };
    },
  );

  app.post(
    '/v1/admin/policy/versions',
    {
      preHandler: requireAuth(() => ctx.authenticator, { kinds: ['staff'], permission: 'policy:publish' }),
      schema: {
        tags: ['policy', 'admin'],
        summary: 'Publish a new policy version (validated; immutable once stored)',
        security: [{ session: [] }],
        body: z
          .object({
            yaml: z.string().min(1).max(POLICY_YAML_CHARS_MAX).describe('The whole policy document in YAML'),
            effective_from: z.iso.datetime({ offset: true }).optional().describe('When it takes effect; absent = at once; never in the past'),
          })
          .strict(),
        response: { 201: publishedResponse },
      },
    },
    async (request, reply) => {
      const staff = principalOf(request, 'staff');
      const effectiveFrom = request.body.effective_from === undefined ? undefined : new Date(request.body.effective_from);
      const published = await service().publish({ yaml: request.body.yaml, staffId: staff.staffId, ...(effectiveFrom ? { effectiveFrom } : {}) });
      request.log.info({ policy_version: published.version, staff_id: staff.staffId }, 'policy version published');
      reply.status(201);
      return { ...policyBody(published, await service().statusOf(published.version)), published_by: published.published_by };
    },
  );

  app.get(
    '/v1/admin/policy/diff',
    {
      preHandler: requireAuth(() => ctx.authenticator, { kinds: ['staff'] }),
      schema: {
        tags: ['policy', 'admin'],
        summary: 'What changed between two policy versions',
        security: [{ session: [] }],
        querystring: z.object({ from: versionNumber, to: versionNumber }).strict(),
        response: {
          200: z.object({ object: z.literal('policy_diff'), from: z.number().int(), to: z.number().int(), changes: z.array(changeSchema), text: z.string() }),
        },
      },
    },
    async (request) => {
      const [from, to] = await Promise.all([service().getVersion(request.query.from), service().getVersion(request.query.to)]);
      const changes = diffDocuments(from.document, to.document);
      return { object: 'policy_diff' as const, from: from.version, to: to.version, changes, text: formatChanges(changes) };
    },
  );

  app.get(
    '/policy',
    {
      schema: {
        tags: ['policy'],
        summary: 'The policy for people: your rights, limits, fees, how to dispute (HTML)',
        querystring: z.object({ lang: z.enum(['ko', 'en']).optional(), version: versionNumber.optional() }).strict(),
      },
    },
    async (request, reply) => {
      const version = await versionOrInForce(request.query.version);
      const status = await service().statusOf(version.version);
      const year = localDateTime(ctx.clock.now(), version.policy.time_zone).year;
      const html = renderPolicyPage(version, { lang: pageLang(request, request.query.lang), status, year });
      return reply.header('cache-control', cacheFor(request.query.version)).header('content-language', pageLang(request, request.query.lang)).type('text/html; charset=utf-8').send(html);
    },
  );
};
