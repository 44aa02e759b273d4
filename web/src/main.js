// The Campaigns web page: reads config.json, signs in (deployed) and renders the page for the address.
import { render } from 'preact';
import { useContext, useEffect, useState } from 'preact/hooks';
import { Link, Route, Switch } from 'wouter-preact';
import { html } from './html.js';
import { AppContext } from './context.js';
import { loadConfig } from './config.js';
import { createAuth } from './auth.js';
import { createApi } from './api.js';
import { MUTATIONS } from './queries.js';
import { CampaignList } from './pages/CampaignList.js';
import { CampaignPage } from './pages/CampaignPage.js';
import { PlanPage } from './pages/PlanPage.js';
import { PageTitle } from './components/common.js';
import './styles.css';

function App({ api, auth }) {
  const [offered, setOffered] = useState(new Set());
  useEffect(() => {
    api.request(MUTATIONS)
      .then((d) => setOffered(new Set((d.__type?.fields || []).map((f) => f.name))))
      .catch(() => setOffered(new Set()));
  }, []);
  return html`<${AppContext.Provider} value=${{ api, auth, offered }}>
    <a class="skip" href="#main">Skip to the content</a>
    <header class="top">
      <${Link} href="/" class="brand">Campaigns<//>
      <${Account} />
    </header>
    <main id="main" tabIndex="-1">
      <${Switch}>
        <${Route} path="/">${() => html`<${CampaignList} />`}<//>
        <${Route} path="/campaigns/:id">${(p) => html`<${CampaignPage} id=${decodeURIComponent(p.id)} />`}<//>
        <${Route} path="/plans/:id">${(p) => html`<${PlanPage} id=${decodeURIComponent(p.id)} />`}<//>
        <${Route}>${() => html`<${PageTitle} title="Not found">Not found<//>
          <p>No page here. <${Link} href="/">See your campaigns<//>.</p>`}<//>
      <//>
    </main>
  <//>`;
}

function Account() {
  const { auth } = useContext(AppContext);
  if (auth.kind === 'none') {
    return null;
  }
  return html`<div class="account">
    ${auth.user() ? html`<span>${auth.user()}</span>` : null}
    <button type="button" onClick=${() => auth.logout()}>Sign out</button>
  </div>`;
}

async function start() {
  const root = document.getElementById('app');
  try {
    const config = await loadConfig();
    const auth = createAuth(config);
    await auth.ready();
    render(html`<${App} api=${createApi(config, auth)} auth=${auth} />`, root);
  } catch (e) {
    render(html`<main id="main"><h1>Campaigns</h1>
      <p class="problem" role="alert">The page could not start: ${e.message}</p></main>`, root);
  }
}

start();
