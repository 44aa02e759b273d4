package dev.campaigns.infra.sfn;

import com.fasterxml.jackson.databind.JsonNode;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;

/**
 * A local AWS Step Functions (STANDARD workflows) that runs the very Amazon States Language definition that is
 * deployed, invoking Lambda functions through a {@link LambdaInvoker}. It exists because no Step Functions Local
 * or States Language interpreter is available to the build, and the project's default build runs on an embedded
 * local AWS. The operations mirror the Step Functions API (and {@link StepFunctionsHttpServer} exposes them over
 * the AWS JSON 1.0 protocol for the AWS SDK's {@code SfnClient}).
 *
 * <p>Executions run asynchronously on daemon threads; {@link #awaitExecution} waits for one. Quotas are AWS's
 * (25,000 history events, 256 KiB payloads) unless {@link SfnConfig} says otherwise. Thread-safe.
 */
public final class LocalStepFunctions implements AutoCloseable {

    private static final Pattern NAME = Pattern.compile("[^\\s<>{}\\[\\]?*\"#%\\\\^|~`$&,;:/\\x00-\\x1f\\x7f-\\x9f]{1,80}");

    private final SfnConfig config;
    private final RoleAuthorizer authorizer;
    private final Map<String, StateMachine> machines = new ConcurrentHashMap<>();
    private final Map<String, Execution> executions = new ConcurrentHashMap<>();
    private final Map<String, MapRun> mapRuns = new ConcurrentHashMap<>();
    private final TaskTokens tokens = new TaskTokens();
    private final AtomicInteger threadIds = new AtomicInteger();
    private final ExecutorService executionPool;
    private final ExecutorService lambdaPool;
    private final ScheduledExecutorService timers;
    private final LambdaCalls lambdaCalls;

    /** An engine with AWS's default quotas in real time. */
    public LocalStepFunctions(LambdaInvoker invoker) {
        this(invoker, SfnConfig.defaults());
    }

    public LocalStepFunctions(LambdaInvoker invoker, SfnConfig config) {
        this(invoker, config, RoleAuthorizer.ALLOW_ALL);
    }

    /** An engine whose executions act only as their state machine's role allows ({@code authorizer}). */
    public LocalStepFunctions(LambdaInvoker invoker, SfnConfig config, RoleAuthorizer authorizer) {
        Objects.requireNonNull(invoker, "invoker");
        this.config = Objects.requireNonNull(config, "config");
        this.authorizer = Objects.requireNonNull(authorizer, "authorizer");
        this.executionPool = Executors.newCachedThreadPool(threadFactory("sfn-execution"));
        this.lambdaPool = Executors.newCachedThreadPool(threadFactory("sfn-lambda"));
        this.timers = Executors.newSingleThreadScheduledExecutor(threadFactory("sfn-timer"));
        this.lambdaCalls = new LambdaCalls(invoker, lambdaPool, config.timeSource()::wallClock, authorizer, config);
    }

    public SfnConfig config() {
        return config;
    }

    RoleAuthorizer authorizer() {
        return authorizer;
    }

    TaskTokens tokens() {
        return tokens;
    }

    LambdaCalls lambdaCalls() {
        return lambdaCalls;
    }

    ThreadFactory threadFactory(String prefix) {
        return r -> {
            Thread t = new Thread(r, prefix + "-" + threadIds.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    // ---- state machines ---------------------------------------------------------------------------------------

    /**
     * CreateStateMachine (STANDARD). Creating the same name again with the same definition and role returns the
     * existing ARN, as AWS does.
     *
     * @return {@code arn:aws:states:<region>:<account>:stateMachine:<name>}
     * @throws StepFunctionsException InvalidName, InvalidDefinition (with AWS-style diagnostics) or
     *                                StateMachineAlreadyExists
     */
    public String createStateMachine(String name, String definitionJson, String roleArn) {
        checkName(name);
        JsonNode def;
        try {
            def = JsonPaths.MAPPER.readTree(definitionJson);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new StepFunctionsException(StepFunctionsException.Code.InvalidDefinition,
                    "Invalid State Machine Definition: 'INVALID_JSON_DESCRIPTION: " + e.getOriginalMessage() + "'");
        }
        DefinitionParser.Result parsed = DefinitionParser.parse(def);
        if (!parsed.ok()) {
            throw new StepFunctionsException(StepFunctionsException.Code.InvalidDefinition,
                    "Invalid State Machine Definition: '" + String.join(", ", parsed.problems()) + "'");
        }
        String arn = "arn:aws:states:" + config.region() + ":" + config.accountId() + ":stateMachine:" + name;
        StateMachine sm = new StateMachine(arn, name, definitionJson, def, parsed.machine(), roleArn,
                config.timeSource().wallClock());
        StateMachine prior = machines.putIfAbsent(arn, sm);
        if (prior != null && !(prior.definition().equals(def) && Objects.equals(prior.roleArn(), roleArn))) {
            throw new StepFunctionsException(StepFunctionsException.Code.StateMachineAlreadyExists,
                    "State Machine Already Exists: '" + arn + "'");
        }
        return arn;
    }

    public StateMachineDescription describeStateMachine(String stateMachineArn) {
        return machine(stateMachineArn).describe();
    }

    /** All created state machines, by name. */
    public List<StateMachineDescription> listStateMachines() {
        return machines.values().stream().filter(m -> !m.name().contains("/"))
                .sorted(Comparator.comparing(StateMachine::name)).map(StateMachine::describe).toList();
    }

    private StateMachine machine(String arn) {
        StateMachine sm = arn == null ? null : machines.get(arn);
        if (sm == null) {
            throw new StepFunctionsException(StepFunctionsException.Code.StateMachineDoesNotExist,
                    "State Machine Does Not Exist: '" + arn + "'");
        }
        return sm;
    }

    private static void checkName(String name) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new StepFunctionsException(StepFunctionsException.Code.InvalidName, "Invalid Name: '" + name + "'");
        }
    }

    // ---- executions -------------------------------------------------------------------------------------------

    /**
     * StartExecution. The name is unique per state machine: starting again with the name of a RUNNING execution
     * and the identical input returns that execution's ARN (idempotent, as AWS does for STANDARD workflows);
     * any other reuse of a name is {@code ExecutionAlreadyExists}.
     *
     * @param name      execution name, or null for a generated UUID
     * @param inputJson JSON input, or null for {@code {}}
     * @return the execution ARN {@code arn:aws:states:<region>:<account>:execution:<machine>:<name>}
     */
    public String startExecution(String stateMachineArn, String name, String inputJson) {
        StateMachine sm = machine(stateMachineArn);
        String execName = name == null ? UUID.randomUUID().toString() : name;
        checkName(execName);
        String inputText = inputJson == null ? "{}" : inputJson;
        JsonNode input;
        try {
            input = JsonPaths.MAPPER.readTree(inputText);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new StepFunctionsException(StepFunctionsException.Code.InvalidExecutionInput,
                    "Invalid execution input: " + e.getOriginalMessage());
        }
        if (input == null) {
            throw new StepFunctionsException(StepFunctionsException.Code.InvalidExecutionInput,
                    "Invalid execution input: empty");
        }
        int size = JsonPaths.utf8Size(input);
        if (size > config.maxPayloadBytes()) {
            throw new StepFunctionsException(StepFunctionsException.Code.InvalidExecutionInput,
                    "The execution input has a size (" + size + " bytes) exceeding the maximum of "
                            + config.maxPayloadBytes() + " bytes");
        }
        String arn = "arn:aws:states:" + config.region() + ":" + config.accountId() + ":execution:" + sm.name()
                + ":" + execName;
        Execution exec = new Execution(arn, execName, sm, inputText, input, config.timeSource().wallClock(), null,
                config.maxHistoryEvents(), config.timeSource());
        Execution prior = executions.putIfAbsent(arn, exec);
        if (prior != null) {
            synchronized (prior) {
                if (prior.status() == ExecutionStatus.RUNNING && prior.input.equals(input)) {
                    return arn;
                }
            }
            throw new StepFunctionsException(StepFunctionsException.Code.ExecutionAlreadyExists,
                    "Execution Already Exists: '" + arn + "'");
        }
        exec.observePayload(size);
        executionPool.execute(() -> runExecution(exec));
        return arn;
    }

    private void runExecution(Execution exec) {
        exec.mainThread = Thread.currentThread();
        try {
            Execution.Cursor cursor = new Execution.Cursor(0);
            Machine machine = exec.stateMachine.machine();
            if (machine.timeoutSeconds() != null) {
                Thread thread = Thread.currentThread();
                timers.schedule(() -> {
                    if (exec.finish(null, ExecutionStatus.TIMED_OUT, null, "States.Timeout",
                            "The execution exceeded the state machine's TimeoutSeconds")) {
                        thread.interrupt();
                    }
                }, config.timeSource().realNanos(Duration.ofSeconds(machine.timeoutSeconds())),
                        TimeUnit.NANOSECONDS);
            }
            try {
                StateRunner runner = new StateRunner(this, exec);
                runner.history().executionStarted(cursor, exec.inputText, exec.stateMachine.roleArn());
                JsonNode out = runner.run(machine, exec.input, cursor);
                exec.finish(cursor, ExecutionStatus.SUCCEEDED, JsonPaths.compact(out), null, null);
            } catch (StateFailure f) {
                exec.finish(cursor, ExecutionStatus.FAILED, null, f.error, f.cause);
            } catch (Execution.Terminated t) {
                exec.finish(cursor, ExecutionStatus.ABORTED, null, null, null);
            } catch (RuntimeException e) {
                exec.finish(cursor, ExecutionStatus.FAILED, null, "States.Runtime",
                        "Internal error of the local engine: " + e);
            }
        } finally {
            exec.mainThread = null;
            Thread.interrupted();
        }
    }

    /** The synthetic state machine a distributed Map's child executions run. */
    StateMachine childStateMachine(StateMachine parent, String label, Machine processor, String processorText) {
        String name = parent.name() + "/" + label;
        String arn = "arn:aws:states:" + config.region() + ":" + config.accountId() + ":stateMachine:" + name;
        return machines.computeIfAbsent(arn, a -> new StateMachine(a, name, processorText, null, processor,
                parent.roleArn(), config.timeSource().wallClock()));
    }

    /** Starts the Map Run of a distributed Map state of {@code parent}: {@code ...:mapRun:<machine>/<label>:<id>}. */
    MapRun startMapRun(Execution parent, String label, int maxConcurrency, double toleratedFailurePercentage,
                       long toleratedFailureCount, int totalItems) {
        String arn = "arn:aws:states:" + config.region() + ":" + config.accountId() + ":mapRun:"
                + parent.stateMachine.name() + "/" + label + ":" + UUID.randomUUID();
        MapRun run = new MapRun(arn, parent, label, maxConcurrency, toleratedFailurePercentage,
                toleratedFailureCount, totalItems, config.timeSource()::wallClock);
        mapRuns.put(arn, run);
        return run;
    }

    /** Runs one child execution of a Map Run on the calling thread ({@code items}: how many it processes). */
    JsonNode runChild(StateMachine child, JsonNode input, MapRun run, int items) throws StateFailure {
        String execName = UUID.randomUUID().toString();
        String arn = "arn:aws:states:" + config.region() + ":" + config.accountId() + ":execution:" + child.name()
                + ":" + execName;
        String inputText = JsonPaths.compact(input);
        Execution exec = new Execution(arn, execName, child, inputText, input, config.timeSource().wallClock(),
                run.arn, config.maxHistoryEvents(), config.timeSource());
        if (!run.childStarted(exec, items)) {
            throw new Execution.Terminated(); // the parent was stopped: its Map Run starts no more children
        }
        executions.put(arn, exec);
        runExecution(exec);
        ExecutionDescription d = exec.describe();
        switch (d.status()) {
            case SUCCEEDED:
                try {
                    return JsonPaths.MAPPER.readTree(d.output());
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            case ABORTED:
                if (Thread.currentThread().isInterrupted()) {
                    throw new Execution.Terminated();
                }
                throw new StateFailure("States.Runtime", "The child execution was aborted");
            default:
                throw new StateFailure(d.error() == null ? "States.Runtime" : d.error(),
                        d.cause() == null ? "" : d.cause());
        }
    }

    private Execution execution(String arn) {
        Execution e = arn == null ? null : executions.get(arn);
        if (e == null) {
            throw new StepFunctionsException(StepFunctionsException.Code.ExecutionDoesNotExist,
                    "Execution Does Not Exist: '" + arn + "'");
        }
        return e;
    }

    public ExecutionDescription describeExecution(String executionArn) {
        return execution(executionArn).describe();
    }

    /**
     * Waits (in real time) until the execution is no longer RUNNING.
     *
     * @throws TimeoutException if it is still running after {@code timeout}
     */
    public ExecutionDescription awaitExecution(String executionArn, Duration timeout)
            throws InterruptedException, TimeoutException {
        try {
            return execution(executionArn).done.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        }
    }

    /** The full history, oldest first, with AWS's event type names. */
    public List<HistoryEvent> getExecutionHistory(String executionArn) {
        return execution(executionArn).history();
    }

    /** Executions of a state machine, newest first, optionally only those with the given status. */
    public List<ExecutionDescription> listExecutions(String stateMachineArn, ExecutionStatus statusFilter) {
        machine(stateMachineArn);
        return list(e -> e.stateMachine.arn().equals(stateMachineArn), statusFilter);
    }

    /** The child executions of one distributed Map run, newest first. */
    public List<ExecutionDescription> listMapRunExecutions(String mapRunArn, ExecutionStatus statusFilter) {
        MapRun run = mapRunArn == null ? null : mapRuns.get(mapRunArn);
        if (run == null) {
            return List.of();
        }
        return describeAll(run.children(), statusFilter);
    }

    /**
     * ListMapRuns: the Map Runs an execution started, newest first.
     *
     * @throws StepFunctionsException ExecutionDoesNotExist
     */
    public List<MapRunDescription> listMapRuns(String executionArn) {
        Execution e = execution(executionArn);
        return mapRuns.values().stream().filter(r -> r.executionArn.equals(e.arn)).map(MapRun::describe)
                .sorted(Comparator.comparing(MapRunDescription::startDate).reversed()
                        .thenComparing(MapRunDescription::mapRunArn))
                .toList();
    }

    /**
     * DescribeMapRun: a Map Run's status, configuration and its item and child-execution counts.
     *
     * @throws StepFunctionsException ResourceNotFound
     */
    public MapRunDescription describeMapRun(String mapRunArn) {
        return mapRun(mapRunArn).describe();
    }

    private MapRun mapRun(String arn) {
        MapRun run = arn == null ? null : mapRuns.get(arn);
        if (run == null) {
            throw new StepFunctionsException(StepFunctionsException.Code.ResourceNotFound,
                    "Resource not found: '" + arn + "'");
        }
        return run;
    }

    /**
     * DescribeStateMachineForExecution: the state machine an execution ran; for a child execution of a
     * distributed Map, the item processor's state machine with the Map Run and its label.
     *
     * @throws StepFunctionsException ExecutionDoesNotExist
     */
    public StateMachineForExecution describeStateMachineForExecution(String executionArn) {
        Execution e = execution(executionArn);
        if (e.mapRunArn == null) {
            return new StateMachineForExecution(e.stateMachine.describe(), null, null);
        }
        return new StateMachineForExecution(e.stateMachine.describe(), e.mapRunArn, mapRun(e.mapRunArn).label);
    }

    private List<ExecutionDescription> list(java.util.function.Predicate<Execution> which,
                                            ExecutionStatus statusFilter) {
        return describeAll(executions.values().stream().filter(which).toList(), statusFilter);
    }

    private static List<ExecutionDescription> describeAll(List<Execution> list, ExecutionStatus statusFilter) {
        List<ExecutionDescription> out = new ArrayList<>();
        for (Execution e : list) {
            ExecutionDescription d = e.describe();
            if (statusFilter == null || d.status() == statusFilter) {
                out.add(d);
            }
        }
        out.sort(Comparator.comparing(ExecutionDescription::startDate).reversed()
                .thenComparing(ExecutionDescription::executionArn));
        return out;
    }

    /**
     * StopExecution: a RUNNING execution becomes ABORTED (event ExecutionAborted) and its threads are interrupted,
     * with its distributed Maps' child executions; stopping an execution that has already ended changes nothing.
     *
     * @return the stop date
     */
    public Instant stopExecution(String executionArn, String error, String cause) {
        Execution e = execution(executionArn);
        abort(e, error, cause);
        return e.describe().stopDate();
    }

    /**
     * Ends a running execution as ABORTED and, as AWS does for a stopped parent, its distributed Maps' Map Runs
     * (ABORTED) and their running child executions (ABORTED), depth first; each ended execution starts no Lambda
     * invocation afterwards ({@link Execution#whileRunning}), while an invocation already started runs to its end.
     */
    private void abort(Execution e, String error, String cause) {
        if (!e.finish(null, ExecutionStatus.ABORTED, null, error, cause)) {
            return;
        }
        for (MapRun run : mapRuns.values()) {
            if (run.executionArn.equals(e.arn)) {
                run.finish(ExecutionStatus.ABORTED);
                for (Execution child : run.children()) {
                    abort(child, null, null);
                }
            }
        }
        Thread t = e.mainThread;
        if (t != null) {
            t.interrupt();
        }
    }

    // ---- callbacks --------------------------------------------------------------------------------------------

    /**
     * SendTaskSuccess for a {@code .waitForTaskToken} task.
     *
     * @throws StepFunctionsException InvalidToken, TaskDoesNotExist, TaskTimedOut or InvalidOutput
     */
    public void sendTaskSuccess(String taskToken, String outputJson) {
        TaskTokens.Waiter w = tokens.find(taskToken);
        JsonNode out;
        try {
            out = JsonPaths.MAPPER.readTree(outputJson);
        } catch (Exception e) {
            throw new StepFunctionsException(StepFunctionsException.Code.InvalidOutput, "Invalid output: "
                    + "not JSON");
        }
        if (out == null) {
            throw new StepFunctionsException(StepFunctionsException.Code.InvalidOutput, "Invalid output: empty");
        }
        w.succeed(out);
    }

    /** SendTaskFailure: the task fails with this error and cause (both may be null). */
    public void sendTaskFailure(String taskToken, String error, String cause) {
        tokens.find(taskToken).fail(error, cause);
    }

    /** SendTaskHeartbeat: resets the task's HeartbeatSeconds clock. */
    public void sendTaskHeartbeat(String taskToken) {
        tokens.find(taskToken).beat();
    }

    // ---- figures ----------------------------------------------------------------------------------------------

    /** History-event count, largest payload and state transitions of one execution. */
    public ExecutionStats executionStats(String executionArn) {
        return execution(executionArn).stats();
    }

    /** State transitions of all executions so far (child executions included), for cost estimates. */
    public long totalStateTransitions() {
        long sum = 0;
        for (Execution e : executions.values()) {
            sum += e.transitions.get();
        }
        return sum;
    }

    /** Stops every running execution and the engine's threads. */
    @Override
    public void close() {
        for (Execution e : executions.values()) {
            if (e.status() == ExecutionStatus.RUNNING) {
                stopExecution(e.arn, "States.Aborted", "The local engine was closed");
            }
        }
        timers.shutdownNow();
        executionPool.shutdownNow();
        lambdaPool.shutdownNow();
    }
}
