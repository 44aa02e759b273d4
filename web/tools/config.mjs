// The deployed page's config.json from the stack's outputs (aws cloudformation describe-stacks ... Outputs).
// Usage: OUTPUTS_JSON | node tools/config.mjs            -> config.json on stdout
//        OUTPUTS_JSON | node tools/config.mjs --output K  -> the value of output K
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** {OutputKey: OutputValue} of describe-stacks' Outputs list; a missing output is an error naming it. */
export function outputsByKey(outputs) {
  if (!Array.isArray(outputs)) {
    throw new Error('the stack outputs must be the Outputs list of describe-stacks');
  }
  const byKey = Object.fromEntries(outputs.map((o) => [o.OutputKey, o.OutputValue]));
  return (key) => {
    const value = byKey[key];
    if (typeof value !== 'string' || value === '') {
      throw new Error(`the stack has no output ${key}: deploy template.yaml first (sam deploy)`);
    }
    return value;
  };
}

/** What the page reads at start (see src/config.js): the API, and sign-in through the hosted UI. */
export function configFromOutputs(outputs) {
  const output = outputsByKey(outputs);
  const site = output('WebUrl').replace(/\/?$/, '/');
  return {
    graphqlUrl: output('GraphQLUrl'),
    auth: {
      type: 'cognito',
      domain: output('WebLoginUrl'),
      clientId: output('WebClientId'),
      issuer: output('UserPoolIssuer'),
      redirectUri: `${site}callback`,
      logoutUri: site,
      scopes: ['openid', 'email', 'profile'],
    },
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const outputs = JSON.parse(readFileSync(0, 'utf8'));
  const at = process.argv.indexOf('--output');
  process.stdout.write(at > 0 ? `${outputsByKey(outputs)(process.argv[at + 1])}\n`
    : `${JSON.stringify(configFromOutputs(outputs), null, 2)}\n`);
}
