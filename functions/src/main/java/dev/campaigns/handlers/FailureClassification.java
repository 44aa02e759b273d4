package dev.campaigns.handlers;

import dev.campaigns.codehost.CodeHostException;
import dev.campaigns.git.GitEngineException;
import dev.campaigns.service.CampaignsException;
import dev.campaigns.store.DynamoTable;
import dev.campaigns.workflow.PermanentStepFailure;
import dev.campaigns.workflow.RateLimitedStepFailure;
import dev.campaigns.workflow.StepFailure;
import dev.campaigns.workflow.TransientStepFailure;
import dev.campaigns.workflow.UnexpectedStepFailure;
import java.util.List;
import java.util.function.Function;
import java.util.function.Predicate;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.exception.SdkServiceException;

/**
 * The one table that turns what a workflow step threw into the {@link StepFailure} {@code statemachine.asl.json}
 * retries or catches by name. Rows are read in order: the first whose type matches (then, where a row has one, whose
 * condition on the error holds) decides. Anything no row names is UNEXPECTED (retried a little, then recorded), never
 * taken for transient. The git engine's remote messages are classified where they are read (git's
 * {@code RemoteErrors.RULES}); here a {@link GitEngineException} already carries its kind.
 */
public final class FailureClassification {
    /** What a failure is to the state machine; each kind is one {@link StepFailure} class. */
    public enum Kind {
        TRANSIENT(TransientStepFailure::new),
        RATE_LIMITED(RateLimitedStepFailure::new),
        PERMANENT(PermanentStepFailure::new),
        UNEXPECTED(UnexpectedStepFailure::new);

        private final Function<String, StepFailure> failure;

        Kind(Function<String, StepFailure> failure) {
            this.failure = failure;
        }

        public StepFailure failure(String message) {
            return failure.apply(message);
        }
    }

    /** One row: errors of {@code type} for which {@code when} holds are {@code kind}. */
    public record Rule(Class<? extends Throwable> type, String when, Predicate<Throwable> holds, Kind kind) {
        static <T extends Throwable> Rule of(Class<T> type, Kind kind) {
            return new Rule(type, "always", e -> true, kind);
        }

        @SuppressWarnings("unchecked")
        static <T extends Throwable> Rule of(Class<T> type, String when, Predicate<T> holds, Kind kind) {
            return new Rule(type, when, e -> holds.test((T) e), kind);
        }

        boolean matches(Throwable e) {
            return type.isInstance(e) && holds.test(e);
        }
    }

    /** The table, first match wins. */
    public static final List<Rule> RULES = List.of(
            Rule.of(GitEngineException.class, "kind UNEXPECTED",
                    g -> g.kind() == GitEngineException.Kind.UNEXPECTED, Kind.UNEXPECTED),
            Rule.of(GitEngineException.class, "transient", GitEngineException::isTransient, Kind.TRANSIENT),
            Rule.of(GitEngineException.class, Kind.PERMANENT),
            Rule.of(CodeHostException.class, "kind RATE_LIMITED",
                    c -> c.kind() == CodeHostException.Kind.RATE_LIMITED, Kind.RATE_LIMITED),
            Rule.of(CodeHostException.class, "transient", CodeHostException::isTransient, Kind.TRANSIENT),
            Rule.of(CodeHostException.class, Kind.PERMANENT),
            Rule.of(DynamoTable.StoreBusyException.class, Kind.TRANSIENT),
            Rule.of(CampaignsException.class, Kind.PERMANENT),
            Rule.of(IllegalStateException.class, Kind.PERMANENT),
            Rule.of(IllegalArgumentException.class, Kind.PERMANENT),
            Rule.of(SdkClientException.class, Kind.TRANSIENT),
            Rule.of(SdkServiceException.class, "throttled or 5xx",
                    s -> s.isThrottlingException() || s.statusCode() >= 500, Kind.TRANSIENT),
            Rule.of(SdkException.class, "retryable", SdkException::retryable, Kind.TRANSIENT));

    private FailureClassification() {
    }

    /** The kind of {@code e}: the first matching row's, else UNEXPECTED. */
    public static Kind kindOf(Throwable e) {
        for (Rule rule : RULES) {
            if (rule.matches(e)) {
                return rule.kind();
            }
        }
        return Kind.UNEXPECTED;
    }

    /** The failure the state machine sees for {@code e}, with {@code message}; a StepFailure stays itself. */
    public static StepFailure classify(RuntimeException e, String message) {
        return e instanceof StepFailure f ? f : kindOf(e).failure(message);
    }
}
