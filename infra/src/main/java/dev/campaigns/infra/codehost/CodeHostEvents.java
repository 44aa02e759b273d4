package dev.campaigns.infra.codehost;

/**
 * What happened on the local code host, as GitHub would announce it in a webhook delivery. Called by
 * {@link CodeHostState} while it holds the repository's monitor, so events of one repository come in order.
 */
interface CodeHostEvents {

    /** {@code pull_request} with {@code action} opened, closed or reopened, caused by {@code sender}. */
    void pullRequest(HostedRepository repo, HostedRepository.PullRequestState pr, String action, String sender);

    /**
     * {@code pull_request} {@code edited}: {@code from} holds the previous value of each changed field
     * ({@code title}, {@code body}, {@code base} (the branch) and {@code base_sha}).
     */
    void edited(HostedRepository repo, HostedRepository.PullRequestState pr, java.util.Map<String, String> from,
                String sender);

    /** {@code pull_request} {@code labeled}: {@code label} was added. */
    void labeled(HostedRepository repo, HostedRepository.PullRequestState pr, String label, String sender);

    /** {@code pull_request} {@code synchronize}: a push moved the head branch from {@code before} to {@code after}. */
    void synchronize(HostedRepository repo, HostedRepository.PullRequestState pr, String before, String after,
                     String sender);

    /** {@code pull_request_review} {@code submitted}. */
    void reviewSubmitted(HostedRepository repo, HostedRepository.PullRequestState pr, HostedRepository.Review review);

    /** {@code check_run} {@code created} or {@code completed}. */
    void checkRun(HostedRepository repo, HostedRepository.CheckRun run, String action);

    /** {@code status}: a commit status was created. */
    void status(HostedRepository repo, HostedRepository.CommitStatus status);
}
