package dev.lambdaidempotency.cli;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.Map;

/** Instants in UTC and local time, and ages, as the human and JSON outputs show them. */
final class Times {
    private static final DateTimeFormatter HUMAN = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");

    private final ZoneId local;
    private final Instant now;

    Times(ZoneId local, Instant now) {
        this.local = local;
        this.now = now;
    }

    Instant now() {
        return now;
    }

    /** {@code 2026-12-05 11:41:07 UTC (12:41:07 Europe/Paris), in 59m 12s}. */
    String human(Instant instant) {
        String utc = HUMAN.format(instant.atZone(ZoneId.of("UTC"))) + " UTC";
        String there = local.normalized().equals(ZoneId.of("UTC").normalized()) ? ""
                : " (" + HUMAN.format(instant.atZone(local)) + " " + local.getId() + ")";
        return utc + there + ", " + relative(instant);
    }

    String relative(Instant instant) {
        Duration d = Duration.between(now, instant);
        return d.isNegative() ? age(d.negated()) + " ago" : "in " + age(d);
    }

    /** {@code {"utc": "...Z", "local": "...+01:00"}}. */
    Map<String, Object> json(Instant instant) {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("utc", instant.toString());
        map.put("local", DateTimeFormatter.ISO_OFFSET_DATE_TIME.format(instant.atZone(local)));
        return map;
    }

    /** {@code 2h 03m}, {@code 4m 12s}, {@code 950ms}. */
    static String age(Duration d) {
        long seconds = d.getSeconds();
        if (seconds == 0) {
            return d.toMillis() + "ms";
        }
        long days = seconds / 86_400;
        long hours = seconds / 3600 % 24;
        long minutes = seconds / 60 % 60;
        long secs = seconds % 60;
        if (days > 0) {
            return days + "d " + hours + "h";
        }
        if (hours > 0) {
            return hours + "h " + String.format("%02dm", minutes);
        }
        if (minutes > 0) {
            return minutes + "m " + String.format("%02ds", secs);
        }
        return secs + "s";
    }
}
