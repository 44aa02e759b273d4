package dev.campaigns.handlers;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import software.amazon.lambda.powertools.logging.PowertoolsLogging;

/**
 * A Lambda handler that reads its event as JSON into {@code I} and writes its answer as JSON, with Jackson, so
 * that events and answers have exactly the shape the state machine and AppSync use; its log lines carry the
 * invocation's Lambda context.
 */
public abstract class JsonHandler<I> implements RequestStreamHandler {
    /**
     * One mapper for every handler. No module discovery ({@code findAndAddModules}): the events and answers are plain
     * records, maps and strings, and the class-path scan cost every cold start (docs/performance.md, issue 19).
     */
    protected static final ObjectMapper JSON = JsonMapper.builder()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .build();

    private final Class<I> inputType;
    /** Held so that the CRaC context (weak references) keeps it; runs {@link #prime()} before a SnapStart snapshot. */
    private final SnapStartPriming snapStart;

    protected JsonHandler(Class<I> inputType) {
        this.inputType = inputType;
        this.snapStart = SnapStartPriming.register(this::prime);
    }

    /**
     * Warms this handler's code paths without side effects (SnapStart priming): reads and writes a sample event
     * with Jackson. Subclasses add what they use (SDK clients, libraries).
     */
    protected void prime() {
        try {
            I sample = JSON.readValue("{}", inputType);
            JSON.writeValueAsBytes(sample);
            JSON.writeValueAsBytes(java.util.Map.of("primed", true, "list", java.util.List.of(1, "a")));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** Runs the priming now (what SnapStart runs before its snapshot); for the cold-start benchmark. */
    public final void primeNow() {
        snapStart.prime();
    }

    /**
     * Reads the event, handles it and writes the answer. While it runs, the log lines carry the invocation's Lambda
     * context (function name, request ID, cold start: Powertools' logging fields, in the MDC).
     */
    @Override
    public final void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        PowertoolsLogging.initializeLogging(context);
        try {
            I event = JSON.readValue(input, inputType);
            Object answer = handle(event);
            JSON.writeValue(output, answer);
        } finally {
            PowertoolsLogging.clearState(true);
        }
    }

    /** The handler's work: a thin call into the service. */
    protected abstract Object handle(I event);
}
