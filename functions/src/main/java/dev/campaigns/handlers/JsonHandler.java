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

/**
 * A Lambda handler that reads its event as JSON into {@code I} and writes its answer as JSON, with Jackson, so
 * that events and answers have exactly the shape the state machine and AppSync use.
 */
public abstract class JsonHandler<I> implements RequestStreamHandler {
    protected static final ObjectMapper JSON = JsonMapper.builder()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .findAndAddModules()
            .build();

    private final Class<I> inputType;

    protected JsonHandler(Class<I> inputType) {
        this.inputType = inputType;
    }

    @Override
    public final void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        I event = JSON.readValue(input, inputType);
        Object answer = handle(event);
        JSON.writeValue(output, answer);
    }

    /** The handler's work: a thin call into the service. */
    protected abstract Object handle(I event);
}
