package dev.campaigns.handlers;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.campaigns.service.InvalidInputException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An SQS event source's consumer ({@code ReportBatchItemFailures}): each message is handled alone. A message that
 * fails is reported alone, so SQS retries it (and, after the redrive limit, moves it to the dead-letter queue)
 * without redoing the rest of the batch; a malformed message ({@link InvalidInputException}) is dropped with a log
 * line, since no retry can fix it.
 */
public abstract class SqsHandler extends JsonHandler<SqsHandler.SqsEvent> {
    private static final Logger LOG = LoggerFactory.getLogger(SqsHandler.class);
    private final UnaryOperator<String> redact;

    /** An SQS event: its records' message IDs and bodies. */
    public record SqsEvent(@JsonProperty("Records") List<Message> records) {
    }

    public record Message(String messageId, String body) {
    }

    /** @param redact removes the code host token from a text if this function has read it (never reads it) */
    protected SqsHandler(UnaryOperator<String> redact) {
        super(SqsEvent.class);
        this.redact = redact;
    }

    /** Handles one message's body; throws to have SQS deliver it again. */
    protected abstract void handleMessage(String body);

    @Override
    protected final Object handle(SqsEvent event) {
        List<Map<String, String>> failures = new ArrayList<>();
        for (Message m : event.records() == null ? List.<Message>of() : event.records()) {
            try {
                handleMessage(m.body());
            } catch (InvalidInputException e) {
                LOG.error("dropped malformed message {}: {}", m.messageId(), e.getMessage());
            } catch (RuntimeException e) {
                LOG.warn("message {} failed, left for retry: {}", m.messageId(),
                        redact.apply(String.valueOf(e.getMessage())));
                failures.add(Map.of("itemIdentifier", m.messageId()));
            }
        }
        return Map.of("batchItemFailures", failures);
    }
}
