package dev.campaigns.infra.chaos;

import dev.campaigns.infra.codehost.LocalCodeHost;
import dev.campaigns.infra.codehost.LocalPullRequest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;

/**
 * What a campaign really left behind, counted from the truth rather than from what the API reports: the code host's
 * branches and pull requests per repository, and the campaign's items in DynamoDB (changeset jobs, changesets, the
 * campaign item's counters).
 *
 * @param jobs        changeset job items
 * @param pending     jobs not in a terminal state
 * @param completed   COMPLETED job items
 * @param errored     ERRORED job items
 * @param changesets  changeset items
 * @param duplicates  second (or later) pull requests from the campaign's branch in a repository, changesets beyond
 *                    the completed jobs, changesets naming a pull request that is not the branch's open one
 * @param lost        jobs pending after the end, completed jobs without a branch at their commit, an open pull
 *                    request or a changeset, and plan repositories without a job
 * @param miscounted  differences between the campaign item's counters and the job items
 * @param problems    one line per duplicate, loss or miscount
 */
public record CampaignAudit(int jobs, int pending, int completed, int errored, int changesets, int duplicates,
                            int lost, int miscounted, List<String> problems) {

    /**
     * Audits campaign {@code campaignId}, whose changesets go to {@code branch} in {@code repositories}, from the
     * table {@code table} (read with {@code dynamo}, directly, not through any fault) and the code host.
     */
    public static CampaignAudit of(DynamoDbClient dynamo, String table, LocalCodeHost host, String campaignId,
                                   String branch, List<String> repositories) {
        return of(dynamo, table, host, campaignId, branch, repositories, 1, List.of());
    }

    /**
     * As {@link #of(DynamoDbClient, String, LocalCodeHost, String, String, List)} for the campaign's changeset jobs of
     * {@code generation} (after updateCampaign), where {@code gone} are the repositories the update removed: each must
     * still have exactly one pull request from the branch, not open (closed by the update), and its changeset.
     */
    public static CampaignAudit of(DynamoDbClient dynamo, String table, LocalCodeHost host, String campaignId,
                                   String branch, List<String> repositories, int generation, List<String> gone) {
        String jobPrefix = generation == 1 ? "JOB#" : String.format("JOB#G%04d#", generation);
        List<Map<String, AttributeValue>> items = query(dynamo, table, "CAMPAIGN#" + campaignId);
        Map<String, AttributeValue> campaign = null;
        Map<String, Map<String, AttributeValue>> jobsByRepo = new HashMap<>();
        Map<String, List<Map<String, AttributeValue>>> changesetsByRepo = new HashMap<>();
        int jobs = 0;
        int pending = 0;
        int completed = 0;
        int errored = 0;
        int changesets = 0;
        List<String> problems = new ArrayList<>();
        int duplicates = 0;
        int lost = 0;
        for (Map<String, AttributeValue> item : items) {
            String sk = item.get("SK").s();
            if (sk.equals("#CAMPAIGN")) {
                campaign = item;
            } else if (sk.startsWith("JOB#")) {
                if (!sk.startsWith(jobPrefix) || (generation == 1 && sk.startsWith("JOB#G"))) {
                    continue; // another generation's job
                }
                jobs++;
                String state = str(item, "state");
                switch (state) {
                    case "COMPLETED" -> completed++;
                    case "ERRORED" -> errored++;
                    default -> pending++;
                }
                if (jobsByRepo.put(str(item, "repository"), item) != null) {
                    duplicates++;
                    problems.add("two changeset jobs for " + str(item, "repository"));
                }
            } else if (sk.startsWith("CHANGESET#")) {
                changesets++;
                changesetsByRepo.computeIfAbsent(str(item, "repository"), r -> new ArrayList<>()).add(item);
            }
        }
        if (pending > 0) {
            lost += pending;
            problems.add(pending + " jobs still pending");
        }
        for (String repo : repositories) {
            Map<String, AttributeValue> job = jobsByRepo.get(repo);
            List<LocalPullRequest> prs = host.pullRequests(repo).stream()
                    .filter(pr -> pr.headRef().equals(branch)).toList();
            List<LocalPullRequest> open = prs.stream().filter(pr -> pr.state().equals("open")).toList();
            if (prs.size() > 1) {
                duplicates += prs.size() - 1;
                problems.add(repo + ": " + prs.size() + " pull requests from " + branch);
            }
            List<Map<String, AttributeValue>> cs = changesetsByRepo.getOrDefault(repo, List.of());
            if (cs.size() > 1) {
                duplicates += cs.size() - 1;
                problems.add(repo + ": " + cs.size() + " changesets");
            }
            if (job == null) {
                lost++;
                problems.add(repo + ": no changeset job");
                continue;
            }
            if (!"COMPLETED".equals(str(job, "state"))) {
                // (an update's job carries the campaign's earlier changeset: that one is not a duplicate)
                boolean carried = cs.size() == 1 && str(cs.get(0), "changesetId").equals(str(job, "changesetId"));
                if (!cs.isEmpty() && !carried) {
                    duplicates++;
                    problems.add(repo + ": a changeset for a job that is " + str(job, "state"));
                }
                continue;
            }
            Optional<String> tip = host.branchTip(repo, branch);
            String commit = str(job, "commitSha");
            if (tip.isEmpty() || !tip.get().equals(commit)) {
                lost++;
                problems.add(repo + ": branch " + branch + " is at " + tip.orElse("nothing") + ", the job's commit is "
                        + commit);
            }
            if (open.size() != 1) {
                lost++;
                problems.add(repo + ": " + open.size() + " open pull requests from " + branch);
            }
            if (cs.isEmpty()) {
                lost++;
                problems.add(repo + ": completed without a changeset");
            } else if (open.size() == 1 && !Integer.toString(open.get(0).number()).equals(str(cs.get(0), "externalID"))) {
                duplicates++;
                problems.add(repo + ": the changeset names #" + str(cs.get(0), "externalID") + ", the open pull request is #"
                        + open.get(0).number());
            }
        }
        for (String repo : gone) {
            List<LocalPullRequest> prs = host.pullRequests(repo).stream()
                    .filter(pr -> pr.headRef().equals(branch)).toList();
            if (prs.size() > 1) {
                duplicates += prs.size() - 1;
                problems.add(repo + " (gone from the plan): " + prs.size() + " pull requests from " + branch);
            }
            if (prs.stream().anyMatch(pr -> pr.state().equals("open"))) {
                lost++;
                problems.add(repo + " (gone from the plan): its pull request is still open");
            }
            if (changesetsByRepo.getOrDefault(repo, List.of()).size() != 1) {
                lost++;
                problems.add(repo + " (gone from the plan): " + changesetsByRepo.getOrDefault(repo, List.of()).size()
                        + " changesets, not its one (closed) changeset");
            }
        }
        int miscounted = 0;
        if (campaign == null) {
            miscounted++;
            problems.add("no campaign item");
        } else {
            int[][] pairs = {{num(campaign, "total"), jobs}, {num(campaign, "completed"), completed},
                    {num(campaign, "errored"), errored}};
            String[] names = {"total", "completed", "errored"};
            for (int i = 0; i < pairs.length; i++) {
                if (pairs[i][0] != pairs[i][1]) {
                    miscounted += Math.abs(pairs[i][0] - pairs[i][1]);
                    problems.add("counter " + names[i] + " = " + pairs[i][0] + ", the records say " + pairs[i][1]);
                }
            }
        }
        return new CampaignAudit(jobs, pending, completed, errored, changesets, duplicates, lost, miscounted,
                List.copyOf(problems));
    }

    /** Every item of a partition, read consistently. */
    static List<Map<String, AttributeValue>> query(DynamoDbClient dynamo, String table, String pk) {
        List<Map<String, AttributeValue>> items = new ArrayList<>();
        Map<String, AttributeValue> start = null;
        do {
            QueryResponse page = dynamo.query(QueryRequest.builder().tableName(table).consistentRead(true)
                    .keyConditionExpression("PK = :pk").expressionAttributeValues(Map.of(":pk",
                            AttributeValue.fromS(pk))).exclusiveStartKey(start).build());
            items.addAll(page.items());
            start = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
        } while (start != null);
        return items;
    }

    private static String str(Map<String, AttributeValue> item, String name) {
        AttributeValue v = item.get(name);
        return v == null ? null : v.s() != null ? v.s() : v.n();
    }

    private static int num(Map<String, AttributeValue> item, String name) {
        AttributeValue v = item.get(name);
        return v == null || v.n() == null ? 0 : Integer.parseInt(v.n());
    }
}
