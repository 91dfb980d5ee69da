import { errors } from 'oidc-provider';

import { verifyPassword } from './accounts.mjs';
import { errorPage, loginPage } from './views.mjs';

const MAX_FORM_BYTES = 16 * 1024;

async function readForm(req) {
  let size = 0;
  const chunks = [];
  for await (const chunk of req) {
    size += chunk.length;
    if (size > MAX_FORM_BYTES) throw Object.assign(new Error('form too large'), { status: 413 });
    chunks.push(chunk);
  }
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

// Nothing that finishes an interaction grants more than the login itself: consent for the
// first-party client comes from loadExistingGrant, so a consent prompt reaching this code means
// something outside it (another client, the claims parameter) and is granted the same way.
async function grantConsent(provider, details) {
  const { prompt: { details: missing }, params, session } = details;
  const grant = details.grantId
    ? await provider.Grant.find(details.grantId)
    : new provider.Grant({ accountId: session.accountId, clientId: params.client_id });
  if (missing.missingOIDCScope) grant.addOIDCScope(missing.missingOIDCScope.join(' '));
  if (missing.missingOIDCClaims) grant.addOIDCClaims(missing.missingOIDCClaims);
  for (const [indicator, scopes] of Object.entries(missing.missingResourceScopes ?? {})) {
    grant.addResourceScope(indicator, scopes.join(' '));
  }
  const grantId = await grant.save();
  return details.grantId ? {} : { grantId };
}

function html(ctx, status, body) {
  ctx.status = status;
  ctx.type = 'html';
  ctx.set('cache-control', 'no-store');
  ctx.body = body;
}

async function finish(ctx, provider, result, merge) {
  const returnTo = await provider.interactionResult(ctx.req, ctx.res, result, { mergeWithLastSubmission: merge });
  ctx.set('cache-control', 'no-store');
  ctx.status = 303;
  ctx.redirect(returnTo);
}

export function interactionRoutes(provider, log) {
  const pattern = /^\/interaction\/([\w-]+)(\/login)?$/;

  return async function interactions(ctx, next) {
    const match = pattern.exec(ctx.path);
    if (!match) return next();
    const [, , login] = match;

    try {
      const details = await provider.interactionDetails(ctx.req, ctx.res);
      const { uid, prompt, params } = details;

      if (!login && ctx.method === 'GET') {
        if (prompt.name === 'consent') {
          return await finish(ctx, provider, { consent: await grantConsent(provider, details) }, true);
        }
        return html(ctx, 200, loginPage({ uid, clientId: params.client_id }));
      }

      if (login && ctx.method === 'POST') {
        const form = await readForm(ctx.req);
        const accountId = verifyPassword(form.get('login') ?? '', form.get('password') ?? '');
        if (!accountId) {
          return html(ctx, 200, loginPage({
            uid, clientId: params.client_id, login: form.get('login') ?? '', error: 'Wrong user name or password.',
          }));
        }
        return await finish(ctx, provider, { login: { accountId } }, false);
      }

      ctx.status = 405;
      return undefined;
    } catch (err) {
      const expired = err instanceof errors.SessionNotFound;
      log.error(`interaction ${ctx.method} ${ctx.path}: ${err?.error_description ?? err?.message ?? err}`);
      return html(ctx, err?.status === 413 ? 413 : 400, errorPage(
        expired ? 'session_not_found' : 'interaction_failed',
        expired ? 'The sign-in request expired or its cookie is missing. Start again from the application.' : 'The sign-in request could not be completed.',
      ));
    }
  };
}
