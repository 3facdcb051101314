package io.github.userspipeline.pipelinetests;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a JVM's G1 log says of its heap after each collection: in use and committed ("GC(7) Pause
 * Young (Normal) (G1 Evacuation Pause) 440M->259M(567M) 9.8ms"). Just after a collection the heap
 * holds what the program keeps, plus old-generation garbage that G1 reclaims only after it has
 * marked the heap, so the median over a run follows what the program keeps; the committed heap's
 * largest is how far G1 grew the heap, most of the process's resident memory.
 */
record GcLog(double medianInUseMib, double maxCommittedMib) {

    private static final Pattern COLLECTION = Pattern.compile("Pause (?:Young|Full) .*?\\d+M->(\\d+)M\\((\\d+)M\\)");

    /** The JVM option that writes the log to {@code file}. */
    static String option(Path file) {
        return "-Xlog:gc:file=" + file;
    }

    static GcLog read(Path file) throws IOException {
        List<Long> inUse = new ArrayList<>();
        long committed = 0;
        for (String line : Files.readAllLines(file)) {
            Matcher collection = COLLECTION.matcher(line);
            if (collection.find()) {
                inUse.add(Long.parseLong(collection.group(1)));
                committed = Math.max(committed, Long.parseLong(collection.group(2)));
            }
        }
        if (inUse.isEmpty()) {
            throw new IllegalStateException("no collection in the G1 log " + file);
        }
        Collections.sort(inUse);
        return new GcLog(inUse.get(inUse.size() / 2), committed);
    }
}
