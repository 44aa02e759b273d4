// The campaigns page in headless Chromium against a running stack (the JUnit test WebUiTest starts the embedded
// local AWS, makes the campaign described in CAMPAIGNS_FIXTURE and runs this file): the list, a campaign page with
// every changeset and the burndown chart, a plan's diff, the retry, cancel, publish, bulk comment, auto-merge and close
// actions and their effect, the same page at phone size, the keyboard; axe-core finds no serious or critical
// violation on any page.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { launch, screenshots, seriousViolations } from './browser.mjs';

const BASE = process.env.CAMPAIGNS_WEB_URL;
const FIXTURE = JSON.parse(readFileSync(process.env.CAMPAIGNS_FIXTURE, 'utf8'));
const WAIT = 30_000;
const shoot = screenshots();
let browser;
let page;

before(async () => {
  assert.ok(BASE, 'CAMPAIGNS_WEB_URL names the page to test');
  browser = await launch();
  page = await browser.context.newPage();
  page.setDefaultTimeout(WAIT);
});

after(async () => {
  await browser?.close();
});

const url = (path) => new URL(path, BASE).href;
const rows = (p = page) => p.locator('table.changesets tbody tr');
const row = (repository, p = page) => p.locator(`table.changesets tbody tr[data-repository="${repository}"]`);

async function accessible(name) {
  assert.deepEqual(await seriousViolations(page), [], `axe on ${name}`);
}

test('the list shows the caller\'s campaigns with state, progress and counts', async () => {
  await page.goto(url('/'));
  const campaign = page.locator(`tr[data-campaign="${FIXTURE.campaignId}"]`);
  await campaign.waitFor();
  assert.equal(await page.locator('h1').textContent(), 'Campaigns');
  assert.equal(await page.title(), 'Campaigns · Campaigns');
  await page.locator(`tr[data-campaign="${FIXTURE.emptyCampaignId}"]`).waitFor();
  assert.equal(await campaign.locator('th a').textContent(), FIXTURE.campaignName);
  assert.equal(await campaign.locator('.badge').textContent(), 'Errored');
  const total = FIXTURE.repositories.length;
  assert.match(await campaign.locator('.progress-text').textContent(), new RegExp(`^${total} of ${total} done`));
  assert.equal(await campaign.locator('td[data-label="Completed"]').textContent(), String(total - 1));
  assert.equal(await campaign.locator('td[data-label="Errors"]').textContent(), '1');
  await accessible('the list');
  await shoot(page, 'list');
});

test('a campaign page shows the status, every changeset with its state, review, checks and labels, and the chart', async () => {
  await page.locator(`tr[data-campaign="${FIXTURE.campaignId}"] th a`).click(); // the page's own routing
  await page.waitForURL(url(`/campaigns/${FIXTURE.campaignId}`));
  await page.locator('h1', { hasText: FIXTURE.campaignName }).waitFor();
  assert.equal(await page.evaluate(() => document.activeElement.tagName), 'H1', 'the new page\'s heading has focus');
  const created = FIXTURE.repositories.filter((r) => r !== FIXTURE.failingRepository);
  await page.locator('#changesets-heading', { hasText: `Changesets (${created.length})` }).waitFor();
  assert.equal(await rows().count(), created.length);
  for (const r of created) {
    assert.equal(await row(r).count(), 1, `a row for ${r}`);
    assert.match(await row(r).locator('td[data-label="Pull request"] a').getAttribute('href'), /\/pull\/\d+$/);
  }
  const cell = (r, label) => row(r).locator(`td[data-label="${label}"]`).textContent();
  const s = FIXTURE.states;
  assert.equal(await cell(s.merged, 'State'), 'Merged');
  assert.equal(await cell(s.closed, 'State'), 'Closed');
  assert.equal(await cell(s.approved, 'Review'), 'Approved');
  assert.equal(await cell(s.approved, 'Checks'), 'Passed');
  assert.equal(await cell(s.changesRequested, 'Review'), 'Changes requested');
  assert.equal(await cell(s.changesRequested, 'Checks'), 'Failed');
  assert.equal(await cell(s.labelled, 'Labels'), FIXTURE.label);
  assert.equal(await page.locator('#status-heading + .status-line .badge').textContent(), 'Errored');
  assert.match(await page.locator('.errors').textContent(), new RegExp(FIXTURE.failingRepository));

  // The burndown chart: uPlot's canvas, and its numbers as a table ending with today's counts.
  assert.equal(await page.locator('.chart-canvas canvas').count(), 1);
  assert.match(await page.locator('.chart-canvas').getAttribute('aria-label'),
    new RegExp(`${created.length} changesets, 1 merged, 1 closed, ${created.length - 2} open`));
  await page.locator('.chart summary').click();
  const last = page.locator('.chart table tbody tr').last();
  assert.deepEqual((await last.locator('td').allTextContents()).slice(0, 3), [String(created.length), '1', '1']);

  // Filters
  await page.getByLabel('State').selectOption('MERGED');
  assert.equal(await rows().count(), 1);
  assert.equal(await rows().first().getAttribute('data-repository'), s.merged);
  await page.getByLabel('State').selectOption('');
  await page.getByLabel('Search').fill(FIXTURE.label);
  assert.equal(await rows().count(), 1);
  assert.equal(await rows().first().getAttribute('data-repository'), s.labelled);
  await page.getByLabel('Search').fill('');
  await page.getByLabel('Checks').selectOption('FAILED');
  assert.equal(await rows().first().getAttribute('data-repository'), s.changesRequested);
  await page.getByLabel('Checks').selectOption('');
  assert.equal(await rows().count(), created.length);
  await accessible('the campaign page');
  await shoot(page, 'campaign');
});

test('a plan page lists every job with its state and diff stat, and renders a job\'s diff', async () => {
  await page.getByRole('link', { name: 'the plan\'s diffs' }).click();
  await page.waitForURL(url(`/plans/${FIXTURE.planId}`));
  const jobs = page.locator('li.job');
  await jobs.first().waitFor();
  assert.equal(await jobs.count(), FIXTURE.repositories.length);
  assert.deepEqual(await page.locator('li.job .repo').allTextContents(), FIXTURE.repositories);
  for (const badge of await page.locator('li.job summary .badge').allTextContents()) {
    assert.equal(badge, 'Completed');
  }
  const first = jobs.first();
  assert.match(await first.locator('.diffstat').textContent(), new RegExp(FIXTURE.diffStatText));
  // From the keyboard: focus the job's summary and open it with Enter.
  await first.locator('summary').focus();
  await page.keyboard.press('Enter');
  const diff = first.locator('.diff .d2h-wrapper');
  await diff.waitFor();
  assert.match(await first.locator('.d2h-file-name').first().textContent(), new RegExp(FIXTURE.patchedFile.replace(/\./g, '\\.')));
  const added = await first.locator('.d2h-ins .d2h-code-line-ctn').allTextContents();
  assert.ok(added.some((l) => l.includes(FIXTURE.addedLine)), `an added line holds ${FIXTURE.addedLine}: ${added}`);
  await accessible('the plan page');
  await shoot(page, 'plan');
});

test('retry: the failed job is re-run from the page and its changeset appears', async () => {
  await page.goto(url(`/campaigns/${FIXTURE.campaignId}`));
  const retry = page.locator('button[data-action="retry"]');
  await retry.waitFor();
  await retry.click();
  await page.locator('.outcome .ok', { hasText: 'Retrying the failed jobs.' }).waitFor();
  await page.locator('#status-heading + .status-line .badge', { hasText: 'Completed' }).waitFor();
  await row(FIXTURE.failingRepository).waitFor();
  assert.equal(await rows().count(), FIXTURE.repositories.length);
  assert.equal(await page.locator('button[data-action="retry"]').count(), 0, 'nothing left to retry');
  assert.equal(await page.locator('.errors').count(), 0);
});

test('cancel: a campaign still processing is stopped from the page, then offers retry', async () => {
  await page.goto(url(`/campaigns/${FIXTURE.processingCampaignId}`));
  await page.locator('#status-heading + .status-line .badge', { hasText: 'Processing' }).waitFor();
  await page.locator('button[data-action="cancel"]').click();
  const dialog = page.getByRole('dialog');
  await dialog.waitFor();
  assert.match(await dialog.locator('h2').textContent(), /Stop creating the changesets of “Held campaign”/);
  await dialog.locator('button[data-confirm="cancel"]').click();
  await page.locator('.outcome .ok', { hasText: 'The campaign is cancelled.' }).waitFor();
  await page.locator('#status-heading + .status-line .badge', { hasText: 'Cancelled' }).waitFor();
  assert.equal(await page.locator('button[data-action="cancel"]').count(), 0, 'cancel is no longer offered');
  assert.equal(await page.locator('button[data-action="retry"]').count(), 1, 'retry resumes a cancelled campaign');
  await accessible('the cancelled campaign page');
  await page.goto(url(`/campaigns/${FIXTURE.campaignId}`));
});

test('publish: an unpublished campaign shows it has opened nothing, then publishes as drafts from the page', async () => {
  await page.goto(url(`/campaigns/${FIXTURE.unpublishedCampaignId}`));
  await page.locator('#status-heading + .status-line .badge', { hasText: 'Unpublished' }).waitFor();
  await page.locator('dl.meta dd', { hasText: 'not opened: the campaign is unpublished' }).waitFor();
  assert.equal(await page.locator('button[data-action="cancel"]').count(), 0, 'nothing runs: nothing to cancel');
  assert.equal(await page.locator('button[data-action="retry"]').count(), 0);
  await accessible('the unpublished campaign page');
  await page.locator('button[data-action="publish"]').click();
  const dialog = page.getByRole('dialog');
  await dialog.waitFor();
  assert.match(await dialog.locator('h2').textContent(), /Commit, push and open the pull requests of “Unpublished campaign” now\?/);
  await dialog.getByLabel('Open them as drafts').check();
  await dialog.locator('button[data-confirm="publish"]').click();
  await page.locator('.outcome .ok', { hasText: 'Published: the pull requests are being opened.' }).waitFor();
  // re-read after the refresh: published as drafts, and Publish no longer offered
  await page.locator('dl.meta dd', { hasText: 'drafts' }).waitFor();
  await page.locator('button[data-action="publish"]').waitFor({ state: 'detached' });
  await page.goto(url(`/campaigns/${FIXTURE.campaignId}`));
});

test('an updated campaign says when it was updated and that its status is the update\'s generation', async () => {
  await page.goto(url(`/campaigns/${FIXTURE.updatedCampaignId}`));
  await page.locator('h1', { hasText: 'Updated campaign, take 2' }).waitFor();
  const updated = page.locator('dl.meta div', { hasText: 'Updated' });
  await updated.locator('dd', { hasText: 'generation 2' }).waitFor();
  assert.match(await updated.locator('time').getAttribute('datetime'), /^\d{4}-\d{2}-\d{2}T/);
  await row(FIXTURE.updatedRepository).waitFor();
  assert.equal(await rows().count(), 1, 'one changeset: the update kept its pull request');
  await accessible('the updated campaign page');
  await page.goto(url(`/campaigns/${FIXTURE.campaignId}`)); // the tests after this one start from the campaign
});

test('publish the rest: a campaign published in part says how many are unpublished, then publishes them', async () => {
  await page.goto(url(`/campaigns/${FIXTURE.partlyCampaignId}`));
  const line = page.locator('#status-heading + .status-line');
  await line.locator('.badge', { hasText: 'Completed' }).waitFor();
  await line.locator('.badge', { hasText: '1 unpublished' }).waitFor();
  await page.locator('dl.meta dd', { hasText: '1 not opened yet: published in part' }).waitFor();
  await page.locator('.counts div', { hasText: 'Unpublished' }).locator('dd', { hasText: '1' }).waitFor();
  assert.match(await page.locator('.progress-text').first().textContent(), /^1 of 2 done/);
  assert.equal(await page.locator('button[data-action="publish"]').count(), 0, 'not unpublished as a whole');
  await accessible('the campaign published in part');
  await page.locator('button[data-action="publish-rest"]').click();
  const dialog = page.getByRole('dialog');
  await dialog.waitFor();
  assert.match(await dialog.locator('h2').textContent(),
    /Commit, push and open the 1 unpublished pull request of “Partly published campaign” now\?/);
  await dialog.locator('button[data-confirm="publish-rest"]').click();
  await page.locator('.outcome .ok', { hasText: 'Published: the pull requests are being opened.' }).waitFor();
  // once the rest is done: nothing unpublished, and the action is no longer offered
  await line.locator('.badge', { hasText: 'unpublished' }).waitFor({ state: 'detached' });
  await page.locator('button[data-action="publish-rest"]').waitFor({ state: 'detached' });
  await page.goto(url(`/campaigns/${FIXTURE.campaignId}`));
});

test('bulk comment: a dialog takes the comment, and the open pull requests get it in the background', async () => {
  const comment = page.locator('button[data-action="bulk-comment"]');
  await comment.click();
  const dialog = page.getByRole('dialog');
  await dialog.waitFor();
  assert.match(await dialog.locator('h2').textContent(), /Comment on every open pull request/);
  await dialog.getByLabel('Comment').fill(FIXTURE.bulkComment);
  await dialog.locator('button[data-confirm="bulk-comment"]').click();
  const open = FIXTURE.repositories.length - 2; // one merged, one closed
  await page.locator('.outcome .ok', { hasText: `Comment on all: ${open} succeeded, 0 skipped, 0 failed.` })
    .waitFor({ timeout: 60000 });
  await accessible('the campaign page after a bulk action');
});

test('auto-merge: turned on with a merge method from a dialog, shown on the page, then turned off', async () => {
  const meta = page.locator('dl.meta');
  assert.equal(await meta.locator('dt', { hasText: 'Auto-merge' }).count(), 0, 'off to begin with');
  assert.equal(await page.locator('button[data-action="auto-merge-off"]').count(), 0);
  await page.locator('button[data-action="auto-merge-on"]').click();
  const dialog = page.getByRole('dialog');
  await dialog.waitFor();
  assert.match(await dialog.locator('h2').textContent(), /once it is approved and its checks pass/);
  await dialog.getByLabel('Merge method').selectOption('SQUASH');
  await dialog.locator('button[data-confirm="auto-merge-on"]').click();
  await page.locator('.outcome .ok', { hasText: 'Auto-merge is on.' }).waitFor();
  // read back from the API after the refresh: the method chosen in the dialog
  await meta.locator('dd', { hasText: 'squash, once approved and checks pass' }).waitFor();
  assert.equal(await page.locator('button[data-action="auto-merge-on"]').count(), 0, 'on is no longer offered');
  await accessible('the campaign page with auto-merge on');

  await page.locator('button[data-action="auto-merge-off"]').click();
  await page.locator('.outcome .ok', { hasText: 'Auto-merge is off.' }).waitFor();
  await meta.locator('dt', { hasText: 'Auto-merge' }).waitFor({ state: 'detached' });
  await page.locator('button[data-action="auto-merge-on"]').waitFor();
});

test('close: a dialog asks first (Escape cancels), then the campaign and its open pull requests are closed', async () => {
  const close = page.locator('button[data-action="close"]');
  await close.click();
  const dialog = page.getByRole('dialog');
  await dialog.waitFor();
  assert.match(await dialog.locator('h2').textContent(), /Close the campaign/);
  assert.equal(await dialog.getByLabel('Also close the pull requests this campaign opened').isChecked(), true);
  await page.keyboard.press('Escape');
  await dialog.waitFor({ state: 'detached' });
  assert.equal(await page.locator('#status-heading + .status-line .badge').textContent(), 'Completed', 'nothing closed');

  await close.click();
  await dialog.waitFor();
  await dialog.locator('button[data-confirm="close"]').click();
  await page.locator('.outcome .ok', { hasText: 'The campaign is closed.' }).waitFor();
  await page.locator('#status-heading + .status-line .badge', { hasText: 'Closed' }).waitFor();
  // Closed on the code host in the background, then recorded: the page shows it as it happens.
  const stillOpen = FIXTURE.repositories.filter((r) => r !== FIXTURE.states.merged && r !== FIXTURE.states.closed);
  for (const r of stillOpen) {
    await row(r).locator('td[data-label="State"]', { hasText: 'Closed' }).waitFor();
  }
  assert.equal(await row(FIXTURE.states.merged).locator('td[data-label="State"]').textContent(), 'Merged');
  assert.equal(await page.locator('button[data-action="close"]').count(), 0);
  assert.equal(await page.locator('button[data-action="delete"]').count(), 1, 'delete is still offered');
  await accessible('the closed campaign page');
});

test('at phone size the campaign page fits the width, its tables read as cards, and it passes axe', async () => {
  const phone = await browser.context.newPage();
  phone.setDefaultTimeout(WAIT);
  await phone.setViewportSize({ width: 375, height: 812 });
  await phone.goto(url(`/campaigns/${FIXTURE.campaignId}`));
  await phone.locator('#changesets-heading', { hasText: `Changesets (${FIXTURE.repositories.length})` }).waitFor();
  assert.ok(await phone.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth + 1),
    'no horizontal scrolling');
  const first = rows(phone).first();
  assert.equal(await first.evaluate((e) => getComputedStyle(e).display), 'block');
  const box = await first.boundingBox();
  assert.ok(box.width <= 375, `a card is ${box.width}px wide`);
  assert.deepEqual(await seriousViolations(phone), [], 'axe at phone size');
  await shoot(phone, 'campaign-phone');
  await phone.close();
});

test('from the keyboard: the first Tab reaches the skip link, which moves to the content', async () => {
  await page.goto(url('/'));
  await page.locator('h1').waitFor();
  await page.locator('body').focus();
  await page.evaluate(() => document.activeElement.blur());
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement.textContent), 'Skip to the content');
  await page.keyboard.press('Enter');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'main');
});

test('an unknown campaign says so, and the browser saw no error, page error or refused script on any page', async () => {
  await page.goto(url('/campaigns/no-such-campaign'));
  await page.locator('.problem', { hasText: 'There is no campaign no-such-campaign of yours.' }).waitFor();
  assert.deepEqual(browser.problems, []);
});
