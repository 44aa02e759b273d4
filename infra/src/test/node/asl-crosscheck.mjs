// Runs the cross-check cases with aws-local-stepfunctions (an independent States Language implementation) and
// prints one JSON line per case: {name, status, output | error}. Task handlers match CrossCheckMain.java.
import { readFileSync } from 'node:fs';
import { StateMachine } from 'aws-local-stepfunctions';

const cases = JSON.parse(readFileSync(process.argv[2], 'utf8'));

function handler(fn, counters, caseName) {
  if (fn === 'double') {
    return (input) => (typeof input === 'number' ? input * 2 : { n: input.n * 2 });
  }
  if (fn === 'flaky2') {
    return (input) => {
      counters[caseName] = (counters[caseName] || 0) + 1;
      if (counters[caseName] <= 2) {
        const e = new Error('flaky failure'); e.name = 'Flaky'; throw e;
      }
      return { ok: true, calls: counters[caseName] };
    };
  }
  if (fn === 'boom') {
    return () => { const e = new Error('boom'); e.name = 'Boom'; throw e; };
  }
  throw new Error('unknown function ' + fn);
}

function collect(machine, out, fnOf) {
  for (const [name, st] of Object.entries(machine.States)) {
    if (st.Type === 'Task') out[name] = fnOf(st.Resource.split(':function:')[1]);
    for (const b of st.Branches || []) collect(b, out, fnOf);
    const p = st.ItemProcessor || st.Iterator;
    if (p) collect(p, out, fnOf);
  }
  return out;
}

const counters = {};
for (const c of cases) {
  const handlers = collect(c.definition, {}, (fn) => handler(fn, counters, c.name));
  const retryOverrides = {};
  const waits = {};
  for (const name of Object.keys(handlers)) retryOverrides[name] = 0;
  const sm = new StateMachine(c.definition, { validationOptions: { checkArn: false } });
  try {
    const output = await sm.run(c.input, {
      overrides: { taskResourceLocalHandlers: handlers, retryIntervalOverrides: retryOverrides, waitTimeOverrides: waits },
    }).result;
    console.log(JSON.stringify({ name: c.name, status: 'SUCCEEDED', output }));
  } catch (e) {
    const err = e.cause?.name ?? e.name;
    console.log(JSON.stringify({ name: c.name, status: 'FAILED', error: err }));
  }
}
