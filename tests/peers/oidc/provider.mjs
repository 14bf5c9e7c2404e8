// A real OpenID provider (the certified `oidc-provider` package) for nohaven's sign-in tests.
// Started by tests/auth/oidc/provider.py on loopback with its client and accounts in the
// environment; its login step is a small form that signs the named account in with the
// authentication methods (amr) and level (acr) the test gave that account.
import http from 'node:http';
import Provider from 'oidc-provider';

const port = Number(process.env.OIDC_PORT);
const issuer = `http://127.0.0.1:${port}`;
const accounts = JSON.parse(process.env.OIDC_ACCOUNTS);
const client = JSON.parse(process.env.OIDC_CLIENT);

const provider = new Provider(issuer, {
  clients: [{
    client_id: client.client_id,
    client_secret: client.client_secret,
    redirect_uris: client.redirect_uris,
    grant_types: ['authorization_code'],
    response_types: ['code'],
    token_endpoint_auth_method: 'client_secret_basic',
  }],
  pkce: { methods: ['S256'], required: () => true },
  features: { devInteractions: { enabled: false } },
  claims: {
    // How the person authenticated goes in every ID token: nohaven decides on it.
    acr: null, amr: null, auth_time: null, sid: null,
    openid: ['sub', 'acr', 'amr', 'auth_time'], email: ['email', 'email_verified'], profile: ['name', 'groups'],
  },
  conformIdTokenClaims: false,
  findAccount: (ctx, id) => (accounts[id] ? {
    accountId: id,
    claims: () => ({ sub: id, ...accounts[id].claims }),
  } : undefined),
  interactions: { url: (ctx, interaction) => `/interaction/${interaction.uid}` },
  cookies: { keys: ['nohaven-test-provider-cookie-key'] },
});

async function interaction(req, res) {
  const details = await provider.interactionDetails(req, res);
  if (req.method === 'GET') {
    res.writeHead(200, { 'content-type': 'text/html' });
    res.end(`<form method="post" action="/interaction/${details.uid}">`
      + '<input name="login"><button>Sign in</button></form>');
    return;
  }
  let body = '';
  for await (const chunk of req) body += chunk;
  const accountId = new URLSearchParams(body).get('login');
  const account = accounts[accountId];
  if (!account) {
    res.writeHead(400); res.end('no such account'); return;
  }
  const grant = new provider.Grant({ accountId, clientId: details.params.client_id });
  grant.addOIDCScope(details.params.scope);
  const grantId = await grant.save();
  await provider.interactionFinished(req, res, {
    login: { accountId, amr: account.amr, acr: account.acr },
    consent: { grantId },
  }, { mergeWithLastSubmission: false });
}

const callback = provider.callback();
http.createServer((req, res) => {
  if (req.url.startsWith('/interaction/')) {
    interaction(req, res).catch((err) => { res.writeHead(500); res.end(String(err)); });
  } else {
    callback(req, res);
  }
}).listen(port, '127.0.0.1', () => console.log(`ready ${issuer}`));
