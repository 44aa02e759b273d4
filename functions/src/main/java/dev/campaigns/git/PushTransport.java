package dev.campaigns.git;

import java.io.IOException;
import org.eclipse.jgit.lib.ObjectId;

/**
 * One way of creating a branch on a remote: a receive-pack session that reads what the remote advertises, then
 * sends one create-only command with the objects the remote lacks. Two implementations:
 * <ul>
 *   <li>{@link PackPushTransport}: sends the commit bundle's pack verbatim ({@link PackPush}'s wire format, over
 *       smart HTTP or {@code file://} pipes as the URL's scheme says); needs nothing but the bundle, and can send
 *       only when the remote advertises the base ({@link Session#canSend()});</li>
 *   <li>{@link JGitPushTransport}: JGit's push from the base cache, where the bundle is imported next to its base
 *       (completed with all its blobs when the remote no longer advertises it); can always send.</li>
 * </ul>
 * Which is tried, in which order, is {@link GitEngineConfig#pushMode()}; what their outcomes mean is decided in
 * one place, {@link BranchPush}.
 */
interface PushTransport {
    /** Opens a session on {@code request}'s remote to push {@code bundle}'s commit; reads the advertisement. */
    Session open(PushRequest request, CommitBundle bundle) throws IOException;

    /** One receive-pack session. Closing it without {@link #create} sends nothing. */
    interface Session extends AutoCloseable {
        /** The commit the remote advertises for {@code ref}, or null when the branch is absent. */
        ObjectId advertised(String ref);

        /** Whether this session can send the commit (else the next transport is tried). */
        boolean canSend();

        /**
         * Sends the update command for {@code ref} with the expected old value {@code old} (zero id: create, the
         * branch must be absent; else a lease: the server moves the branch only from {@code old}) and what the
         * remote lacks.
         */
        PackPush.Report create(String ref, ObjectId old) throws IOException;

        @Override
        void close();
    }
}
