// An OpenID Connect provider on loopback, laid out like Microsoft Entra ID, for the production sign-in tests.
//
// oauth2-mock-server (pinned in package.json) issues the authorization codes (with PKCE and the nonce), redeems them,
// signs the tokens (RS256) and serves the keys; this wrapper only gives it Entra's shape:
//   GET  /{tenant}/v2.0/.well-known/openid-configuration   metadata; for organizations/common the issuer is the template
//                                                          {origin}/{tenantid}/v2.0, as Entra's multi-tenant metadata says
//   GET  /{tenant}/oauth2/v2.0/authorize                   auto-approves: redirects (or form-posts, response_mode=form_post)
//                                                          the code back; the signing-in user's claims are the JSON of the
//                                                          test_claims query parameter (the test plays the user)
//   POST /{tenant}/oauth2/v2.0/token                       code redemption, or client_credentials minting a token whose
//                                                          claims are the JSON of the test_claims form field
//   GET  /{tenant}/discovery/v2.0/keys                     the signing keys
//   GET  /{tenant}/oauth2/v2.0/logout                      ends the session: back to post_logout_redirect_uri
// Every token gets tid and iss = {origin}/{tid}/v2.0 (tid from the claims, else the path's tenant) and ver 2.0; a claim
// given as null is removed. HTTPS with --cert and --key (PEM files), as Entra is; plain HTTP without them.
// Usage: node entra-test-provider.mjs --port PORT [--cert CERT.pem --key KEY.pem]
import { readFileSync } from 'node:fs';
import { createServer as createHttpServer } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { OAuth2Issuer, OAuth2Service } from 'oauth2-mock-server';

function argument(name) {
  const index = process.argv.indexOf(name);
  return index > 0 ? process.argv[index + 1] : undefined;
}

const port = Number(argument('--port'));
const certFile = argument('--cert');
const keyFile = argument('--key');
if (!Number.isInteger(port) || port <= 0 || (certFile === undefined) !== (keyFile === undefined)) {
  console.error('usage: node entra-test-provider.mjs --port PORT [--cert CERT.pem --key KEY.pem]');
  process.exit(2);
}

const tls = certFile ? { cert: readFileSync(certFile), key: readFileSync(keyFile) } : undefined;
const origin = `${tls ? 'https' : 'http'}://127.0.0.1:${port}`;
const multiTenant = new Set(['organizations', 'common']);

const issuer = new OAuth2Issuer();
issuer.url = origin;
await issuer.keys.generate('RS256');
const service = new OAuth2Service(issuer);

const claimsByCode = new Map();

function parseClaims(text) {
  if (typeof text !== 'string' || text.length === 0) {
    return {};
  }

  const claims = JSON.parse(text);
  if (claims === null || typeof claims !== 'object' || Array.isArray(claims)) {
    throw new Error('test_claims must be a JSON object');
  }

  return claims;
}

service.on('beforeAuthorizeRedirect', (redirect, req) => {
  const code = redirect.url.searchParams.get('code');
  if (code) {
    claimsByCode.set(code, { tenant: req.entraTenant, claims: parseClaims(req.query.test_claims) });
  }
});

service.on('beforeTokenSigning', (token, req) => {
  const body = req.body ?? {};
  const signIn = body.grant_type === 'authorization_code' ? claimsByCode.get(body.code) : undefined;
  const claims = signIn ? signIn.claims : parseClaims(body.test_claims);
  const pathTenant = signIn ? signIn.tenant : req.entraTenant;
  const tid = claims.tid ?? (multiTenant.has(pathTenant) ? undefined : pathTenant);
  const payload = token.payload;
  delete payload.scope;
  if (tid !== undefined) {
    payload.tid = tid;
    payload.iss = `${origin}/${tid}/v2.0`;
  }

  payload.ver = '2.0';
  if (claims.oid !== undefined) {
    payload.sub = claims.oid;
  }

  for (const [name, value] of Object.entries(claims)) {
    if (value === null) {
      delete payload[name];
    } else {
      payload[name] = value;
    }
  }
});

service.on('beforeResponse', (_response, req) => {
  if (req.body?.grant_type === 'authorization_code') {
    claimsByCode.delete(req.body.code);
  }
});

function metadata(tenant) {
  const base = `${origin}/${tenant}`;
  return {
    issuer: multiTenant.has(tenant) ? `${origin}/{tenantid}/v2.0` : `${base}/v2.0`,
    authorization_endpoint: `${base}/oauth2/v2.0/authorize`,
    token_endpoint: `${base}/oauth2/v2.0/token`,
    end_session_endpoint: `${base}/oauth2/v2.0/logout`,
    jwks_uri: `${base}/discovery/v2.0/keys`,
    response_types_supported: ['code'],
    response_modes_supported: ['query', 'form_post'],
    grant_types_supported: ['authorization_code', 'client_credentials'],
    subject_types_supported: ['pairwise'],
    id_token_signing_alg_values_supported: ['RS256'],
    token_endpoint_auth_methods_supported: ['client_secret_post', 'client_secret_basic'],
    code_challenge_methods_supported: ['S256'],
    scopes_supported: ['openid', 'profile', 'email', 'offline_access'],
    claims_supported: ['sub', 'iss', 'aud', 'exp', 'iat', 'nonce', 'name', 'preferred_username', 'oid', 'tid', 'roles', 'ver'],
  };
}

const routes = {
  'oauth2/v2.0/authorize': '/authorize',
  'oauth2/v2.0/token': '/token',
  'oauth2/v2.0/logout': '/endsession',
  'discovery/v2.0/keys': '/jwks',
};

function escapeHtml(text) {
  return text.replace(/[&<>"']/g, c => `&#${c.charCodeAt(0)};`);
}

const handler = service.requestHandler;
const listener = (req, res) => {
  const url = new URL(req.url ?? '/', origin);
  const match = /^\/([A-Za-z0-9._-]+)\/(.+?)\/?$/.exec(url.pathname);
  if (match && match[2] === 'v2.0/.well-known/openid-configuration' && req.method === 'GET') {
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify(metadata(match[1])));
    return;
  }

  const target = match ? routes[match[2]] : undefined;
  if (!target) {
    res.statusCode = 404;
    res.end();
    return;
  }

  req.entraTenant = match[1];
  req.url = target + url.search;
  if (target === '/authorize' && url.searchParams.get('response_mode') === 'form_post') {
    // Entra's form_post: an auto-submitting form that posts the code and state to the redirect URI.
    res.redirect = location => {
      const back = new URL(location);
      const fields = [...back.searchParams].map(([name, value]) =>
        `<input type="hidden" name="${escapeHtml(name)}" value="${escapeHtml(value)}">`).join('');
      back.search = '';
      res.statusCode = 200;
      res.setHeader('content-type', 'text/html; charset=utf-8');
      res.end(`<html><body onload="document.forms[0].submit()"><form method="post" action="${escapeHtml(back.href)}">${fields}</form></body></html>`);
    };
  }

  handler(req, res);
};
(tls ? createHttpsServer(tls, listener) : createHttpServer(listener)).listen(port, '127.0.0.1');
