package dev.lambdaidempotency.cli;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.Charset;
import java.time.Clock;
import java.time.ZoneId;
import java.util.Objects;

/**
 * What a run of the CLI takes from its surroundings, so that tests can pin it: the clock (stuck and expired are
 * decided against it), the local time zone of the human output, the scan's sleeper, the confirmation prompt's input
 * and how backends are opened.
 */
record CliContext(Clock clock, ZoneId zone, Sleeper sleeper, BufferedReader input, Backend.Factory backends) {
    CliContext {
        Objects.requireNonNull(clock, "clock");
        Objects.requireNonNull(zone, "zone");
        Objects.requireNonNull(sleeper, "sleeper");
        Objects.requireNonNull(input, "input");
        Objects.requireNonNull(backends, "backends");
    }

    static CliContext system() {
        return new CliContext(Clock.systemUTC(), ZoneId.systemDefault(), Sleeper.SYSTEM,
                new BufferedReader(new InputStreamReader(System.in, Charset.defaultCharset())),
                Backend.Factory.FROM_OPTIONS);
    }
}
