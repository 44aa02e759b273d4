package dev.campaigns.domain;

import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;

/**
 * A state machine's transition table: for each state, the events it accepts and the state each leads to. Pure and
 * immutable; anything not in the table is refused with a {@link TransitionRefusedException}. Adding a state or an event
 * (issue 16: CANCELLED, previews, update generations) is adding an enum constant and its rows.
 *
 * @param <S> the states
 * @param <E> the events
 */
public final class Transitions<S extends Enum<S>, E extends Enum<E>> {
    private final String machine;
    private final Map<S, Map<E, S>> table;

    private Transitions(String machine, Map<S, Map<E, S>> table) {
        this.machine = machine;
        this.table = table;
    }

    /** Starts a table named {@code machine} (the name appears in refusals, e.g. "changeset job"). */
    public static <S extends Enum<S>, E extends Enum<E>> Builder<S, E> of(String machine, Class<S> states,
                                                                          Class<E> events) {
        return new Builder<>(machine, states, events);
    }

    /** The state {@code event} leads to from {@code from}. */
    public S next(S from, E event) {
        return find(from, event).orElseThrow(() -> new TransitionRefusedException(machine, from, event));
    }

    /** The state {@code event} leads to from {@code from}, if the table allows it. */
    public Optional<S> find(S from, E event) {
        return Optional.ofNullable(table.getOrDefault(from, Map.of()).get(event));
    }

    public boolean allows(S from, E event) {
        return find(from, event).isPresent();
    }

    /** Whether {@code state} accepts no event at all (a final state). */
    public boolean isFinal(S state) {
        return table.getOrDefault(state, Map.of()).isEmpty();
    }

    /** Builds a {@link Transitions} table row by row. */
    public static final class Builder<S extends Enum<S>, E extends Enum<E>> {
        private final String machine;
        private final Class<E> events;
        private final Map<S, Map<E, S>> table;

        private Builder(String machine, Class<S> states, Class<E> events) {
            this.machine = machine;
            this.events = events;
            this.table = new EnumMap<>(states);
        }

        /** Allows {@code event} in state {@code from}, leading to {@code to}; each (from, event) pair once. */
        public Builder<S, E> allow(S from, E event, S to) {
            S earlier = table.computeIfAbsent(from, s -> new EnumMap<>(events)).putIfAbsent(event, to);
            if (earlier != null) {
                throw new IllegalArgumentException(machine + ": " + from + " on " + event + " listed twice");
            }
            return this;
        }

        public Transitions<S, E> build() {
            Map<S, Map<E, S>> copy = new EnumMap<>(table);
            copy.replaceAll((s, row) -> Collections.unmodifiableMap(new EnumMap<>(row)));
            return new Transitions<>(machine, Collections.unmodifiableMap(copy));
        }
    }

    /** An event that the machine's current state does not accept. */
    public static final class TransitionRefusedException extends IllegalStateException {
        private final String machine;
        private final Enum<?> from;
        private final Enum<?> event;

        TransitionRefusedException(String machine, Enum<?> from, Enum<?> event) {
            super("a " + machine + " in state " + from + " does not accept " + event);
            this.machine = machine;
            this.from = from;
            this.event = event;
        }

        public String machine() {
            return machine;
        }

        public Enum<?> from() {
            return from;
        }

        public Enum<?> event() {
            return event;
        }
    }
}
