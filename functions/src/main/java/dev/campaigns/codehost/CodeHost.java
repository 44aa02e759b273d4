package dev.campaigns.codehost;

/**
 * The code host a campaign's changesets live on (GitHub, GitHub Enterprise, or the local code host in tests).
 *
 * <p>Every operation is safe to repeat: Step Functions may run the pull-request step twice, and two workers may race
 * on the same branch. Implementations must be thread-safe (one instance serves concurrent invocations).
 *
 * <p>Failures are {@link CodeHostException}s whose {@link CodeHostException#kind() kind} says whether a retry can
 * succeed, so the workflow retries only what is transient and fails the changeset for what is not.
 */
public interface CodeHost {

    /**
     * Finds or creates the pull request from {@code spec.headBranch()} in {@code spec.repository()}.
     *
     * <ul>
     *   <li>An open pull request from that head exists: it is returned, with its title and body updated when they
     *       differ from the spec and missing labels and reviewers added.</li>
     *   <li>None exists: one is opened. If another worker opened it in the meantime (GitHub answers 422 "A pull
     *       request already exists"), that one is returned as if found.</li>
     *   <li>Only a merged one exists: returned as is; the change landed, a second pull request would be noise.</li>
     *   <li>Only a closed (unmerged) one exists: returned as is and not reopened, so a person's decision to close it
     *       is respected. Re-proposing the change takes a new head branch.</li>
     * </ul>
     *
     * @throws CodeHostException when the host refuses or cannot be reached; see its kind
     */
    PullRequest ensurePullRequest(PullRequestSpec spec) throws CodeHostException;

    /**
     * The pull request {@link #ensurePullRequest} would return for {@code headBranch} of {@code repository}, without
     * ever opening one: the open pull request from that head branch, else the most recent closed or merged one,
     * else empty. (cancelCampaign's in-flight pull requests are looked up so: nothing is opened after a cancel.)
     */
    java.util.Optional<PullRequest> findPullRequest(String repository, String headBranch) throws CodeHostException;

    /**
     * Loads pull request {@code number} of {@code repository} ("owner/name").
     *
     * @throws CodeHostException of kind {@link CodeHostException.Kind#NOT_FOUND} when the repository or the pull
     *                           request does not exist
     */
    PullRequest loadPullRequest(String repository, long number) throws CodeHostException;

    /**
     * The HTTPS git URL of {@code repository} for fetching and pushing (no credentials in it): for GitHub
     * {@code https://<host>/<owner>/<name>.git}. Git over HTTPS authenticates with basic auth
     * {@code x-access-token:<token>}.
     */
    String cloneUrl(String repository);

    /**
     * Loads pull request {@code number} with its reviews and the checks of its head commit (for GitHub: the pull
     * request, its reviews, the check runs and the commit statuses of the head SHA).
     *
     * @throws CodeHostException of kind {@link CodeHostException.Kind#NOT_FOUND} when the repository or the pull
     *                           request does not exist
     */
    PullRequestStatus loadPullRequestStatus(String repository, long number) throws CodeHostException;

    /**
     * Closes pull request {@code number} without merging; closing one that is already closed or merged changes
     * nothing. Returns it as it is afterwards.
     */
    PullRequest closePullRequest(String repository, long number) throws CodeHostException;

    /**
     * How many API requests the token may still make in the current rate-limit window (GitHub:
     * {@code GET /rate_limit}, which itself does not count), so background work can leave room for the rest.
     */
    int remainingRequests() throws CodeHostException;

    // ---- Acting on changesets in bulk (issue 16, docs/changesets.md "Bulk operations"): host-neutral additions.

    /**
     * Adds a comment with {@code body} to pull request {@code number}. Not idempotent on any host: a caller that may
     * repeat it puts a unique marker in the body and asks {@link #hasComment} first.
     */
    void commentOnPullRequest(String repository, long number, String body) throws CodeHostException;

    /** Whether a comment on pull request {@code number} contains {@code marker} (reads every page of comments). */
    boolean hasComment(String repository, long number, String marker) throws CodeHostException;

    /**
     * Merges open pull request {@code number} with {@code method} and returns it as it is afterwards; one already
     * merged is returned as is. A pull request the host will not merge (closed, conflicting, required checks or
     * approvals missing, a method the repository does not allow) is a {@link CodeHostException} of kind
     * {@link CodeHostException.Kind#VALIDATION} whose message says why.
     */
    PullRequest mergePullRequest(String repository, long number, dev.campaigns.domain.MergeMethod method) throws CodeHostException;

    /** Requests reviews from {@code reviewers} (logins); requesting one already requested changes nothing. */
    void requestReviewers(String repository, long number, java.util.List<String> reviewers) throws CodeHostException;

    /** Adds {@code labels} to pull request {@code number}; a label it already has changes nothing. */
    void addLabels(String repository, long number, java.util.List<String> labels) throws CodeHostException;
}
