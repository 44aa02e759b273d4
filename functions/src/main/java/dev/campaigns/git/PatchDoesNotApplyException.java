package dev.campaigns.git;

/**
 * The patch is well formed and safe but does not apply to the base tree, like {@code git apply} would refuse
 * it: a hunk's context is not found, a file to change is missing or a file to create already exists, a
 * binary patch's preimage differs. Names the file and, where one is at fault, the hunk. Permanent.
 */
public class PatchDoesNotApplyException extends GitEngineException {
    private static final long serialVersionUID = 1L;
    private final String path;
    private final String hunk;

    public PatchDoesNotApplyException(String path, String hunk, String reason) {
        super(path + (hunk == null ? "" : ": hunk " + hunk) + ": " + reason);
        this.path = path;
        this.hunk = hunk;
    }

    /** The file the patch failed on. */
    public String path() {
        return path;
    }

    /** The failing hunk's header ({@code @@ -a,b +c,d @@}), or {@code null} when no single hunk is at fault. */
    public String hunk() {
        return hunk;
    }

    @Override
    public boolean isTransient() {
        return false;
    }
}
