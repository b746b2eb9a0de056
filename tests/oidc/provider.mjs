// A real OpenID Connect provider on loopback for the browser sign-in test (tests/test_browser_oidc.py):
// node-oidc-provider (pinned in package.json) with its development login form (any password; the login
// names one of ACCOUNTS below) and one confidential client, the app.
//
//   node tests/oidc/provider.mjs PORT REDIRECT_URI CLIENT_ID CLIENT_SECRET
//
// Prints "ready ISSUER" on standard output once it listens. Test use only: the signing keys are the
// library's development keys and nothing is stored (in memory).
import Provider from "oidc-provider";

const [port, redirectUri, clientId, clientSecret] = process.argv.slice(2);
if (!port || !redirectUri || !clientId || !clientSecret) {
  console.error("usage: node provider.mjs PORT REDIRECT_URI CLIENT_ID CLIENT_SECRET");
  process.exit(2);
}

// login name -> the claims the provider asserts about the account
const ACCOUNTS = {
  ana: { email: "Ana@Shop.example", email_verified: true, name: "Ana Lima" },
  bob: { email: "bob@shop.example", email_verified: true, name: "Bob Reyes" },
  eve: { email: "eve@elsewhere.example", email_verified: true, name: "Eve Outsider" },
  mallory: { email: "mallory@shop.example", email_verified: false, name: "Mallory Unverified" },
};

const issuer = `http://127.0.0.1:${port}`;
const provider = new Provider(issuer, {
  clients: [
    {
      client_id: clientId,
      client_secret: clientSecret,
      redirect_uris: [redirectUri],
      post_logout_redirect_uris: [redirectUri],
      response_types: ["code"],
      grant_types: ["authorization_code"],
    },
  ],
  claims: { openid: ["sub"], email: ["email", "email_verified"], profile: ["name"] },
  // Streamlit's st.user is the ID token's claims (Authlib reads no userinfo endpoint): put them there.
  conformIdTokenClaims: false,
  features: { devInteractions: { enabled: true } },
  cookies: { keys: ["test-only-cookie-key-not-a-secret"] },
  async findAccount(ctx, id) {
    const account = ACCOUNTS[id];
    if (!account) return undefined;
    return { accountId: id, async claims() { return { sub: id, ...account }; } };
  },
});
provider.proxy = false;

provider.listen(Number(port), "127.0.0.1", () => {
  console.log(`ready ${issuer}`);
});
