package dev.campaigns.infra.codehost;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.campaigns.codehost.CodeHostKind;
import java.util.Map;

/**
 * What happens on the local code host as GitLab ({@code Merge Request Hook}, {@code Pipeline Hook}) or Bitbucket
 * Server ({@code pr:*} event keys) would announce it, handed to {@link Webhooks} to authenticate and deliver as that
 * host does. Only the fields the system reads, and those a person reading a delivery expects, are rendered:
 * GitLab's {@code object_kind}, {@code project.path_with_namespace}, {@code object_attributes} (iid, action, state,
 * branches, last commit) and a pipeline's {@code merge_request}; Bitbucket's {@code eventKey}, {@code actor} and
 * {@code pullRequest} (id, state, refs with their repository and project).
 */
final class OtherHostWebhookEvents implements CodeHostEvents {
    private final CodeHostKind kind;
    private final Webhooks webhooks;
    private final String baseUrl;

    OtherHostWebhookEvents(CodeHostKind kind, Webhooks webhooks, String baseUrl) {
        if (kind == CodeHostKind.GITHUB) {
            throw new IllegalArgumentException("GitHub's deliveries are WebhookEvents'");
        }
        this.kind = kind;
        this.webhooks = webhooks;
        this.baseUrl = baseUrl;
    }

    @Override
    public void pullRequest(HostedRepository repo, HostedRepository.PullRequestState pr, String action,
                            String sender) {
        String what = switch (action) {
            case "opened" -> "open";
            case "reopened" -> "reopen";
            default -> pr.merged ? "merge" : "close";
        };
        if (kind == CodeHostKind.GITLAB) {
            mergeRequest(repo, pr, what, sender);
        } else {
            bitbucket(repo, pr, switch (what) {
                case "open" -> "pr:opened";
                case "reopen" -> "pr:opened";
                case "merge" -> "pr:merged";
                default -> "pr:declined";
            }, sender);
        }
    }

    @Override
    public void edited(HostedRepository repo, HostedRepository.PullRequestState pr, Map<String, String> from,
                       String sender) {
        if (kind == CodeHostKind.GITLAB) {
            mergeRequest(repo, pr, "update", sender);
        } else {
            bitbucket(repo, pr, "pr:modified", sender);
        }
    }

    @Override
    public void labeled(HostedRepository repo, HostedRepository.PullRequestState pr, String label, String sender) {
        if (kind == CodeHostKind.GITLAB) {
            mergeRequest(repo, pr, "update", sender); // Bitbucket Server pull requests have no labels
        }
    }

    @Override
    public void synchronize(HostedRepository repo, HostedRepository.PullRequestState pr, String before,
                            String after, String sender) {
        if (kind == CodeHostKind.GITLAB) {
            mergeRequest(repo, pr, "update", sender);
        } else {
            bitbucket(repo, pr, "pr:from_ref_updated", sender);
        }
    }

    @Override
    public void reviewSubmitted(HostedRepository repo, HostedRepository.PullRequestState pr,
                                HostedRepository.Review review) {
        if (kind == CodeHostKind.GITLAB) {
            mergeRequest(repo, pr, "APPROVED".equals(review.state()) ? "approved" : "update", review.login());
        } else {
            bitbucket(repo, pr, switch (review.state()) {
                case "APPROVED" -> "pr:reviewer:approved";
                case "CHANGES_REQUESTED" -> "pr:reviewer:needs_work";
                default -> "pr:comment:added";
            }, review.login());
        }
    }

    @Override
    public void checkRun(HostedRepository repo, HostedRepository.CheckRun run, String action) {
        pipeline(repo, run.headSha(), "completed".equals(run.status()) ? "success" : "running");
    }

    @Override
    public void status(HostedRepository repo, HostedRepository.CommitStatus status) {
        pipeline(repo, status.sha(), status.state());
    }

    /** GitLab announces a pipeline of a merge request's head; Bitbucket Server has no build-status event. */
    private void pipeline(HostedRepository repo, String sha, String status) {
        if (kind != CodeHostKind.GITLAB) {
            return;
        }
        for (HostedRepository.PullRequestState pr : repo.pulls) {
            if (pr.open && sha.equals(pr.headSha)) {
                ObjectNode payload = GitHubJson.JSON.createObjectNode();
                payload.put("object_kind", "pipeline");
                payload.putObject("object_attributes").put("sha", sha).put("status", status)
                        .put("ref", pr.headRef);
                payload.putObject("merge_request").put("iid", pr.number).put("title", pr.title)
                        .put("source_branch", pr.headRef).put("target_branch", pr.baseRef);
                project(payload, repo);
                webhooks.emit("Pipeline Hook", payload);
            }
        }
    }

    private void mergeRequest(HostedRepository repo, HostedRepository.PullRequestState pr, String action,
                              String sender) {
        ObjectNode payload = GitHubJson.JSON.createObjectNode();
        payload.put("object_kind", "merge_request").put("event_type", "merge_request");
        payload.putObject("user").put("username", sender).put("name", sender);
        project(payload, repo);
        ObjectNode attributes = payload.putObject("object_attributes");
        attributes.put("iid", pr.number).put("title", pr.title).put("description", pr.body)
                .put("state", pr.merged ? "merged" : pr.open ? "opened" : "closed").put("action", action)
                .put("source_branch", pr.headRef).put("target_branch", pr.baseRef)
                .put("draft", pr.draft).put("url", baseUrl + "/" + repo.fullName() + "/-/merge_requests/" + pr.number)
                .put("updated_at", pr.updatedAt.toString());
        attributes.putObject("last_commit").put("id", pr.headSha);
        webhooks.emit("Merge Request Hook", payload);
    }

    private void project(ObjectNode payload, HostedRepository repo) {
        payload.putObject("project").put("id", repo.id).put("path_with_namespace", repo.fullName())
                .put("web_url", baseUrl + "/" + repo.fullName());
    }

    private void bitbucket(HostedRepository repo, HostedRepository.PullRequestState pr, String eventKey,
                           String actor) {
        ObjectNode payload = GitHubJson.JSON.createObjectNode();
        payload.put("eventKey", eventKey).put("date", java.time.OffsetDateTime.now().toString());
        payload.putObject("actor").put("name", actor).put("slug", actor);
        ObjectNode p = payload.putObject("pullRequest");
        p.put("id", pr.number).put("version", 0).put("title", pr.title)
                .put("state", pr.merged ? "MERGED" : pr.open ? "OPEN" : "DECLINED").put("open", pr.open)
                .put("closed", !pr.open).put("draft", pr.draft);
        ref(p.putObject("fromRef"), repo, pr.headRef, pr.headSha);
        ref(p.putObject("toRef"), repo, pr.baseRef, repo.branchTip(pr.baseRef).orElse(null));
        webhooks.emit(eventKey, payload);
    }

    private static void ref(ObjectNode ref, HostedRepository repo, String branch, String sha) {
        ref.put("id", "refs/heads/" + branch).put("displayId", branch).put("latestCommit", sha);
        ObjectNode r = ref.putObject("repository");
        r.put("slug", repo.name).put("name", repo.name);
        r.putObject("project").put("key", repo.owner);
    }
}
