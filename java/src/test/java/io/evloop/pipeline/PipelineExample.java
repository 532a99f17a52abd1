package io.evloop.pipeline;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;

/**
 * A runnable example: loads text files (made in a temporary directory first) with blocking
 * reads, decodes them asynchronously on the common pool, batches them and counts words per
 * batch, while the caller's thread consumes the batches. Run it with
 * {@code java -cp <test classes and evloop jar> io.evloop.pipeline.PipelineExample}.
 */
public final class PipelineExample {
    private PipelineExample() {}

    /** What one batch of decoded files comes to. */
    record Batch(int files, long words) {
        static Batch of(List<String> texts) {
            long words = 0;
            for (String text : texts) {
                words += text.isBlank() ? 0 : text.trim().split("\\s+").length;
            }
            return new Batch(texts.size(), words);
        }
    }

    public static void main(String[] args) throws IOException {
        Path directory = Files.createTempDirectory("evloop-pipeline-example");
        try {
            for (int i = 0; i < 500; i++) {
                Files.writeString(directory.resolve("doc-" + i + ".txt"),
                        "file " + i + " has " + "some words ".repeat(i % 50));
            }
            run(directory);
        } finally {
            try (Stream<Path> files = Files.walk(directory)) {
                List<Path> paths = files.sorted(Comparator.reverseOrder()).toList();
                for (Path path : paths) {
                    Files.delete(path);
                }
            }
        }
    }

    private static void run(Path directory) throws IOException {
        long files = 0;
        long words = 0;
        try (Pipeline<Batch> pipeline = Pipeline.from(Files.list(directory))
                .pipe(Files::readAllBytes, 8).named("read")
                .pipeAsync(bytes -> CompletableFuture.supplyAsync(
                        () -> new String(bytes, StandardCharsets.UTF_8)), 4).named("decode")
                .aggregate(32)
                .pipe(Batch::of).named("count")
                .sink(3)
                .reportStats(Duration.ofSeconds(1))
                .build()) {
            for (Batch batch : pipeline) {
                files += batch.files();
                words += batch.words();
            }
            System.out.println(files + " files, " + words + " words");
            System.out.println(pipeline.stats());
        }
    }
}
