package dev.campaigns.git;

/**
 * The branch exists on the remote and holds a commit this job did not make. The engine never overwrites
 * someone's branch: the push is refused and the branch is left as it is. Permanent.
 */
public class BranchConflictException extends GitEngineException {
    private static final long serialVersionUID = 1L;
    private final String branch;
    private final String remoteSha;
    private final String commitSha;

    public BranchConflictException(String branch, String remoteSha, String commitSha) {
        super("branch " + branch + " is at " + abbreviate(remoteSha) + ", not at this job's commit "
                + abbreviate(commitSha) + ": refusing to overwrite it");
        this.branch = branch;
        this.remoteSha = remoteSha;
        this.commitSha = commitSha;
    }

    /** The same conflict with its own message (a lease push names the commit it expected). */
    public BranchConflictException(String branch, String remoteSha, String commitSha, String message) {
        super(message);
        this.branch = branch;
        this.remoteSha = remoteSha;
        this.commitSha = commitSha;
    }

    private static String abbreviate(String sha) {
        return sha.length() > 12 ? sha.substring(0, 12) : sha;
    }

    public String branch() {
        return branch;
    }

    /** What the branch holds on the remote. */
    public String remoteSha() {
        return remoteSha;
    }

    /** The commit the push wanted to put there. */
    public String commitSha() {
        return commitSha;
    }

    @Override
    public boolean isTransient() {
        return false;
    }
}
