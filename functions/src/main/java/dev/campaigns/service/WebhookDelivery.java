package dev.campaigns.service;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;

/**
 * What a GitHub webhook delivery means to changesets: which pull requests it concerns. It is only a trigger: the
 * consumer re-reads those pull requests (with reviews and checks) from the code host and stores that truth,
 * ordered by read time, so out-of-order and duplicate deliveries cannot leave a wrong state.
 *
 * @param delivery   GitHub's {@code X-GitHub-Delivery} (the same on a redelivery): the idempotency key
 * @param event      GitHub's {@code X-GitHub-Event}
 * @param action     the payload's {@code action} ({@code opened}, {@code closed}, ...), or null
 * @param repository "owner/name"
 * @param numbers    the pull requests concerned (none for events that name none, e.g. {@code ping})
 */
public record WebhookDelivery(String delivery, String event, String action, String repository, List<Long> numbers) {
    private static final ObjectMapper JSON = dev.campaigns.util.Json.MAPPER;

    public WebhookDelivery {
        numbers = numbers == null ? List.of() : List.copyOf(numbers);
    }

    /**
     * Reads the pull requests a delivery concerns: {@code pull_request}, {@code pull_request_review},
     * {@code pull_request_review_comment} (its {@code pull_request}), {@code check_run} and {@code check_suite}
     * (their {@code pull_requests}). Other events ({@code status} names only a commit) concern none here; the
     * scheduled sync covers them.
     *
     * @throws InvalidInputException the body is empty, not JSON, or not a JSON object (GitHub always sends one)
     */
    public static WebhookDelivery parse(String delivery, String event, byte[] body) {
        if (body == null || body.length == 0) {
            throw new InvalidInputException("webhook body is empty: a GitHub delivery carries a JSON object");
        }
        JsonNode root;
        try {
            root = JSON.readTree(body);
        } catch (java.io.IOException e) {
            throw new InvalidInputException("webhook body is not JSON");
        }
        if (root == null || !root.isObject()) {
            throw new InvalidInputException("webhook body is not a JSON object");
        }
        String repository = root.path("repository").path("full_name").asText(null);
        List<Long> numbers = new ArrayList<>();
        switch (event == null ? "" : event) {
            case "pull_request", "pull_request_review", "pull_request_review_comment", "pull_request_review_thread" -> {
                JsonNode n = root.path("pull_request").path("number");
                if (n.canConvertToLong()) {
                    numbers.add(n.asLong());
                }
            }
            case "check_run", "check_suite" -> root.path(event).path("pull_requests").forEach(pr -> {
                if (pr.path("number").canConvertToLong()) {
                    numbers.add(pr.path("number").asLong());
                }
            });
            default -> {
            }
        }
        return new WebhookDelivery(delivery, event, root.path("action").asText(null), repository,
                repository == null ? List.of() : numbers);
    }

    /**
     * Reads a GitLab delivery ({@code X-Gitlab-Event}): a {@code merge_request} hook names its merge request
     * ({@code object_attributes.iid}, action {@code open} read as {@code opened}); a {@code pipeline} hook its
     * {@code merge_request}; a {@code note} hook on a merge request its {@code merge_request}. The repository is
     * {@code project.path_with_namespace}. Events are given the product's words: {@code pull_request},
     * {@code check_run}.
     *
     * @param delivery GitLab's {@code X-Gitlab-Event-UUID}
     * @throws InvalidInputException the body is empty, not JSON, or not a JSON object
     */
    public static WebhookDelivery parseGitLab(String delivery, byte[] body) {
        JsonNode root = object(body, "GitLab");
        String repository = root.path("project").path("path_with_namespace").asText(null);
        String kind = root.path("object_kind").asText("");
        List<Long> numbers = new ArrayList<>();
        String event;
        String action = null;
        switch (kind) {
            case "merge_request" -> {
                event = "pull_request";
                action = root.path("object_attributes").path("action").asText(null);
                action = "open".equals(action) ? "opened" : action;
                addNumber(numbers, root.path("object_attributes").path("iid"));
            }
            case "pipeline" -> {
                event = "check_run";
                action = root.path("object_attributes").path("status").asText(null);
                addNumber(numbers, root.path("merge_request").path("iid"));
            }
            case "note" -> {
                event = "pull_request_review_comment";
                addNumber(numbers, root.path("merge_request").path("iid"));
            }
            default -> event = kind;
        }
        return new WebhookDelivery(delivery, event, action, repository, repository == null ? List.of() : numbers);
    }

    /**
     * Reads a Bitbucket Server delivery ({@code X-Event-Key}): every {@code pr:*} event names its
     * {@code pullRequest.id}; the repository is the target's {@code PROJECT/slug}; {@code pr:opened} is read as
     * {@code opened}, the others keep their key after {@code pr:} as the action.
     *
     * @param delivery Bitbucket's {@code X-Request-Id}
     */
    public static WebhookDelivery parseBitbucketServer(String delivery, String eventKey, byte[] body) {
        JsonNode root = object(body, "Bitbucket Server");
        String key = eventKey == null ? "" : eventKey;
        if (!key.startsWith("pr:")) {
            return new WebhookDelivery(delivery, key, null, null, List.of());
        }
        JsonNode pr = root.path("pullRequest");
        JsonNode repo = pr.path("toRef").path("repository");
        String project = repo.path("project").path("key").asText(null);
        String slug = repo.path("slug").asText(null);
        String repository = project == null || slug == null ? null : project + "/" + slug;
        List<Long> numbers = new ArrayList<>();
        addNumber(numbers, pr.path("id"));
        String action = key.substring(3);
        return new WebhookDelivery(delivery, "pull_request", "opened".equals(action) ? "opened" : action, repository,
                repository == null ? List.of() : numbers);
    }

    private static JsonNode object(byte[] body, String host) {
        if (body == null || body.length == 0) {
            throw new InvalidInputException("webhook body is empty: a " + host + " delivery carries a JSON object");
        }
        JsonNode root;
        try {
            root = JSON.readTree(body);
        } catch (java.io.IOException e) {
            throw new InvalidInputException("webhook body is not JSON");
        }
        if (root == null || !root.isObject()) {
            throw new InvalidInputException("webhook body is not a JSON object");
        }
        return root;
    }

    private static void addNumber(List<Long> numbers, JsonNode n) {
        if (n.canConvertToLong()) {
            numbers.add(n.asLong());
        }
    }

    /**
     * A pull request's {@code opened} event: it describes the pull request as created, which any stored read of it
     * (the changeset step's, or {@code createChangesets}') already saw, since that read came after the creation.
     */
    public boolean isOpened() {
        return "pull_request".equals(event) && "opened".equals(action);
    }

    public String toJson() {
        return JSON.createObjectNode().put("delivery", delivery).put("event", event).put("action", action)
                .put("repository", repository)
                .<com.fasterxml.jackson.databind.node.ObjectNode>set("numbers", JSON.valueToTree(numbers)).toString();
    }

    public static WebhookDelivery fromJson(String json) {
        try {
            return JSON.readValue(json, WebhookDelivery.class);
        } catch (java.io.IOException e) {
            throw new InvalidInputException("not a webhook delivery message: " + e.getMessage());
        }
    }
}
