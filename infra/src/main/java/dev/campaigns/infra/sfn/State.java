package dev.campaigns.infra.sfn;

import com.fasterxml.jackson.databind.JsonNode;

import java.time.Instant;
import java.util.List;

/**
 * One state of a definition, parsed once by {@link DefinitionParser} into the record of its type. A record holds
 * exactly the fields the engine implements for that type (anything else is refused at CreateStateMachine), with
 * the States Language's defaults already applied: an absent {@code InputPath}, {@code ResultPath} or
 * {@code OutputPath} is {@code "$"}, and a JSON {@code null} there is Java {@code null} (the input is discarded or
 * kept, as the language says). {@code next} is {@code null} for a state that ends its machine.
 */
sealed interface State permits State.Pass, State.Task, State.Choice, State.Wait, State.Succeed, State.Fail,
        State.Parallel, State.InlineMap, State.DistributedMap {

    /** The state's name in its machine. */
    String name();

    /** The States Language type ({@code Task}, {@code Map}, ...), which history event names start with. */
    String type();

    /** InputPath, ResultPath and OutputPath: {@code "$"} when absent, {@code null} when JSON null. */
    record Paths(String inputPath, String resultPath, String outputPath) {
        static final Paths DEFAULT = new Paths("$", "$", "$");
    }

    /** Retry and Catch of a Task, Parallel or Map state, in the definition's order. */
    record ErrorHandling(List<Retrier> retriers, List<Catcher> catchers) {
        static final ErrorHandling NONE = new ErrorHandling(List.of(), List.of());
    }

    /**
     * One retrier. The delay of retry {@code n} (0-based) is {@code intervalSeconds × backoffRate^n}, capped at
     * {@code maxDelaySeconds} when set, and with full jitter a uniform value in {@code [0, delay]}.
     */
    record Retrier(List<String> errorEquals, double intervalSeconds, int maxAttempts, double backoffRate,
                   Double maxDelaySeconds, boolean fullJitter) {
    }

    /** One catcher; {@code resultPath} places {@code {"Error","Cause"}} ({@code null}: keep the state input). */
    record Catcher(List<String> errorEquals, String resultPath, String next) {
    }

    /** A literal number or a reference path that selects one at run time (e.g. TimeoutSeconds / TimeoutSecondsPath). */
    record ValueOrPath(JsonNode value, String path) {
        static final ValueOrPath ABSENT = new ValueOrPath(null, null);

        boolean isSet() {
            return value != null || path != null;
        }
    }

    /** What a Task calls. */
    enum Integration {
        /** {@code arn:aws:states:::lambda:invoke}: the result is the Invoke API's response. */
        LAMBDA_INVOKE,
        /** {@code arn:aws:states:::lambda:invoke.waitForTaskToken}: the result is what SendTaskSuccess sends. */
        LAMBDA_INVOKE_WAIT_FOR_TASK_TOKEN,
        /** A Lambda function ARN: the result is the function's response itself. */
        LAMBDA_FUNCTION
    }

    record Pass(String name, String next, Paths paths, JsonNode parameters, JsonNode result) implements State {
        @Override
        public String type() {
            return "Pass";
        }
    }

    record Task(String name, String next, Paths paths, JsonNode parameters, JsonNode resultSelector,
                String resource, Integration integration, ValueOrPath timeoutSeconds, ValueOrPath heartbeatSeconds,
                ErrorHandling errors) implements State {
        @Override
        public String type() {
            return "Task";
        }
    }

    /** A Choice state: its rules in order, then {@code defaultNext} (may be null). */
    record Choice(String name, Paths paths, List<ChoiceRule.Branch> choices, String defaultNext) implements State {
        @Override
        public String type() {
            return "Choice";
        }
    }

    /** A Wait state: exactly one of {@code seconds}, {@code secondsPath}, {@code timestamp}, {@code timestampPath}. */
    record Wait(String name, String next, Paths paths, Long seconds, String secondsPath, Instant timestamp,
                String timestampPath) implements State {
        @Override
        public String type() {
            return "Wait";
        }
    }

    record Succeed(String name, Paths paths) implements State {
        @Override
        public String type() {
            return "Succeed";
        }
    }

    /** A Fail state: Error and Cause as literals, or their {@code ...Path} (a path or an intrinsic function). */
    record Fail(String name, String error, String errorPath, String cause, String causePath) implements State {
        @Override
        public String type() {
            return "Fail";
        }
    }

    record Parallel(String name, String next, Paths paths, JsonNode parameters, JsonNode resultSelector,
                    List<Machine> branches, ErrorHandling errors) implements State {
        @Override
        public String type() {
            return "Parallel";
        }
    }

    /**
     * What every Map iterates: the items ({@code ItemsPath}), each item's input ({@code ItemSelector}, or the
     * legacy {@code Parameters}), the concurrency bound and the machine each item runs ({@code ItemProcessor}, or
     * the legacy {@code Iterator}).
     */
    record MapItems(String itemsPath, JsonNode itemSelector, ValueOrPath maxConcurrency, Machine processor) {
    }

    /** A Map whose iterations run inside the execution, each with its own line in the execution's history. */
    record InlineMap(String name, String next, Paths paths, MapItems items, JsonNode resultSelector,
                     ErrorHandling errors) implements State {
        @Override
        public String type() {
            return "Map";
        }
    }

    /** How a distributed Map groups items into one child execution's input ({@code ItemBatcher}). */
    record ItemBatcher(ValueOrPath maxItemsPerBatch, long maxInputBytesPerBatch, JsonNode batchInput) {
    }

    /**
     * A Map whose items (or batches of items) run as child executions of a Map Run ({@code ProcessorConfig.Mode:
     * DISTRIBUTED}, STANDARD children). {@code processorDefinition} is the ItemProcessor's JSON text, the
     * definition of the children's state machine.
     */
    record DistributedMap(String name, String next, Paths paths, MapItems items, JsonNode resultSelector,
                          String label, ItemBatcher batcher, ValueOrPath toleratedFailureCount,
                          ValueOrPath toleratedFailurePercentage, String processorDefinition,
                          ErrorHandling errors) implements State {
        @Override
        public String type() {
            return "Map";
        }
    }
}
