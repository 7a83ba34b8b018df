package dev.lambdaidempotency.benchmarks.runner;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Enumeration;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/** Sizes of the two shaded jars, and what their difference consists of. */
final class JarSizes {
    /** Entries and compressed bytes of one group in one jar. */
    record Group(long entries, long compressedBytes) {
        Group plus(ZipEntry e) {
            return new Group(entries + 1, compressedBytes + Math.max(0, e.getCompressedSize()));
        }
    }

    /** One jar. */
    record Jar(Path path, long fileBytes, Map<String, Group> groups) {
    }

    private JarSizes() {
    }

    static Jar analyze(Path jar) throws IOException {
        Map<String, Group> groups = new TreeMap<>();
        try (ZipFile zip = new ZipFile(jar.toFile())) {
            Enumeration<? extends ZipEntry> entries = zip.entries();
            while (entries.hasMoreElements()) {
                ZipEntry e = entries.nextElement();
                groups.merge(group(e.getName()), new Group(0, 0).plus(e),
                        (a, b) -> new Group(a.entries() + b.entries(), a.compressedBytes() + b.compressedBytes()));
            }
        }
        return new Jar(jar, Files.size(jar), groups);
    }

    /** Which component an entry belongs to. */
    static String group(String name) {
        if (name.endsWith("/")) {
            return "directory entries";
        }
        if (name.startsWith("dev/lambdaidempotency/benchmarks/")) {
            return "benchmark function classes";
        }
        if (name.startsWith("dev/lambdaidempotency/")) {
            return "lambda-idempotency classes";
        }
        if (name.startsWith("com/fasterxml/jackson/databind/")) {
            return "jackson-databind";
        }
        if (name.startsWith("com/fasterxml/jackson/core/")) {
            return "jackson-core";
        }
        if (name.startsWith("com/fasterxml/jackson/annotation/")) {
            return "jackson-annotations";
        }
        if (name.startsWith("software/amazon/awssdk/")) {
            return "AWS SDK v2";
        }
        if (name.startsWith("com/amazonaws/services/lambda/runtime/")) {
            return "aws-lambda-java-core";
        }
        if (name.startsWith("META-INF/")) {
            String[] parts = name.split("/");
            if (parts.length > 3 && parts[1].equals("maven")) {
                return "META-INF/maven (poms of " + parts[2] + ")";
            }
            if (name.startsWith("META-INF/versions/") && parts.length > 3) {
                return group(name.substring(name.indexOf('/', "META-INF/versions/".length()) + 1));
            }
            return "META-INF (manifest, licences, services)";
        }
        int slash = name.indexOf('/', name.indexOf('/') + 1);
        return slash > 0 ? name.substring(0, slash) : name;
    }
}
