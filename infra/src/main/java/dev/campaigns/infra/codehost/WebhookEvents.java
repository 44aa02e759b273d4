package dev.campaigns.infra.codehost;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Turns what happens on the local code host into GitHub's webhook payloads (the shapes of
 * {@code @octokit/openapi-webhooks}; the contract test validates them) and hands them to {@link Webhooks} to sign and
 * deliver.
 */
final class WebhookEvents implements CodeHostEvents {

    private final GitHubJson json;
    private final Webhooks webhooks;

    WebhookEvents(GitHubJson json, Webhooks webhooks) {
        this.json = json;
        this.webhooks = webhooks;
    }

    @Override
    public void pullRequest(HostedRepository repo, HostedRepository.PullRequestState pr, String action,
                            String sender) {
        webhooks.emit("pull_request", pullRequestPayload(repo, pr, action, sender));
    }

    @Override
    public void edited(HostedRepository repo, HostedRepository.PullRequestState pr, java.util.Map<String, String> from,
                       String sender) {
        ObjectNode payload = pullRequestPayload(repo, pr, "edited", sender);
        ObjectNode changes = GitHubJson.JSON.createObjectNode();
        for (String field : new String[] {"title", "body"}) {
            if (from.containsKey(field)) {
                changes.putObject(field).put("from", from.get(field));
            }
        }
        if (from.containsKey("base")) {
            ObjectNode base = changes.putObject("base");
            base.putObject("ref").put("from", from.get("base"));
            base.putObject("sha").put("from", from.get("base_sha"));
        }
        payload.set("changes", changes);
        webhooks.emit("pull_request", payload);
    }

    @Override
    public void labeled(HostedRepository repo, HostedRepository.PullRequestState pr, String label, String sender) {
        ObjectNode payload = pullRequestPayload(repo, pr, "labeled", sender);
        payload.set("label", json.label(repo, label));
        webhooks.emit("pull_request", payload);
    }

    @Override
    public void synchronize(HostedRepository repo, HostedRepository.PullRequestState pr, String before,
                            String after, String sender) {
        ObjectNode payload = pullRequestPayload(repo, pr, "synchronize", sender);
        payload.put("before", before);
        payload.put("after", after);
        webhooks.emit("pull_request", payload);
    }

    @Override
    public void reviewSubmitted(HostedRepository repo, HostedRepository.PullRequestState pr,
                                HostedRepository.Review review) {
        ObjectNode payload = GitHubJson.JSON.createObjectNode();
        payload.put("action", "submitted");
        payload.set("review", json.review(repo, pr, review));
        payload.set("pull_request", json.pull(repo, pr, false));
        payload.set("repository", json.repository(repo, null));
        payload.set("sender", json.user(review.login()));
        webhooks.emit("pull_request_review", payload);
    }

    @Override
    public void checkRun(HostedRepository repo, HostedRepository.CheckRun run, String action) {
        ObjectNode payload = GitHubJson.JSON.createObjectNode();
        payload.put("action", action);
        ObjectNode checkRun = json.checkRun(repo, run);
        ObjectNode suite = checkRun.putObject("check_suite");
        suite.put("id", run.id());
        suite.put("node_id", "CS_" + Long.toString(run.id(), 36));
        suite.putNull("head_branch");
        suite.put("head_sha", run.headSha());
        suite.put("status", run.status());
        GitHubJson.putNullable(suite, "conclusion", run.conclusion());
        suite.put("url", json.apiUrl() + "/repos/" + repo.fullName() + "/check-suites/" + run.id());
        suite.putNull("before");
        suite.putNull("after");
        suite.set("pull_requests", checkRun.get("pull_requests").deepCopy());
        suite.putNull("app");
        suite.put("created_at", GitHubJson.iso(run.startedAt()));
        suite.put("updated_at", GitHubJson.iso(run.completedAt() != null ? run.completedAt() : run.startedAt()));
        payload.set("check_run", checkRun);
        payload.set("repository", json.repository(repo, null));
        payload.set("sender", json.user("github-actions[bot]", "Bot"));
        webhooks.emit("check_run", payload);
    }

    @Override
    public void status(HostedRepository repo, HostedRepository.CommitStatus status) {
        ObjectNode payload = GitHubJson.JSON.createObjectNode();
        payload.put("id", status.id());
        payload.put("sha", status.sha());
        payload.put("name", repo.fullName());
        GitHubJson.putNullable(payload, "target_url", status.targetUrl());
        payload.put("context", status.context());
        GitHubJson.putNullable(payload, "description", status.description());
        payload.put("state", status.state());
        payload.set("commit", commit(repo, status.sha()));
        ArrayNode branches = payload.putArray("branches");
        for (String branch : repo.branchesAt(status.sha())) {
            ObjectNode b = branches.addObject();
            b.put("name", branch);
            b.putObject("commit").put("sha", status.sha())
                    .put("url", json.apiUrl() + "/repos/" + repo.fullName() + "/commits/" + status.sha());
            b.put("protected", false);
        }
        payload.put("created_at", GitHubJson.iso(status.createdAt()));
        payload.put("updated_at", GitHubJson.iso(status.createdAt()));
        payload.set("repository", json.repository(repo, null));
        payload.set("sender", json.user(status.creator()));
        webhooks.emit("status", payload);
    }

    private ObjectNode pullRequestPayload(HostedRepository repo, HostedRepository.PullRequestState pr,
                                          String action, String sender) {
        ObjectNode payload = GitHubJson.JSON.createObjectNode();
        payload.put("action", action);
        payload.put("number", pr.number);
        payload.set("pull_request", json.pull(repo, pr, true));
        payload.set("repository", json.repository(repo, null));
        payload.set("sender", json.user(sender));
        return payload;
    }

    /** The commit object a {@code status} delivery carries. */
    private ObjectNode commit(HostedRepository repo, String sha) {
        String api = json.apiUrl() + "/repos/" + repo.fullName();
        HostedRepository.CommitInfo info = repo.commitInfo(sha);
        ObjectNode c = GitHubJson.JSON.createObjectNode();
        c.put("sha", sha);
        c.put("node_id", "C_" + sha.substring(0, 12));
        ObjectNode commit = c.putObject("commit");
        ObjectNode author = commit.putObject("author").put("name", info.authorName()).put("email", info.authorEmail())
                .put("date", GitHubJson.iso(info.when()));
        commit.set("committer", author.deepCopy());
        commit.put("message", info.message());
        commit.putObject("tree").put("sha", info.tree()).put("url", api + "/git/trees/" + info.tree());
        commit.put("url", api + "/git/commits/" + sha);
        commit.put("comment_count", 0);
        commit.putObject("verification").put("verified", false).put("reason", "unsigned").putNull("signature")
                .putNull("payload").putNull("verified_at");
        c.put("url", api + "/commits/" + sha);
        c.put("html_url", json.apiUrl().replace("/api/v3", "") + "/" + repo.fullName() + "/commit/" + sha);
        c.put("comments_url", api + "/commits/" + sha + "/comments");
        c.putNull("author");
        c.putNull("committer");
        ArrayNode parents = c.putArray("parents");
        for (String parent : info.parents()) {
            parents.addObject().put("sha", parent).put("url", api + "/commits/" + parent)
                    .put("html_url", json.apiUrl().replace("/api/v3", "") + "/" + repo.fullName() + "/commit/"
                            + parent);
        }
        return c;
    }
}
