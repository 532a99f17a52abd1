package io.evloop.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.openjdk.jmh.runner.BenchmarkList;
import org.openjdk.jmh.runner.BenchmarkListEntry;
import org.openjdk.jmh.runner.format.OutputFormatFactory;
import org.openjdk.jmh.runner.options.VerboseMode;

/**
 * Prints, for every benchmark class in this jar that has an {@code impl} parameter, the class
 * name, a tab, and the values of {@code impl} that can run here, comma-separated: for example
 * {@code evloop-EPOLL-PANAMA} only on JDK 22+, {@code netty-kqueue} only on macOS. Classes
 * where none can run are left out. {@code bench/run} passes each list to JMH with
 * {@code -p impl=...}, so unavailable implementations are never started. A class whose
 * {@code @Fork} asks for more than one fork gets a third column with that number: its
 * comparison needs more forks than the quick profile's one (fork-to-fork variation here is
 * about 15%), so {@code bench/run} keeps them.
 *
 * <p>Usage: {@code java -cp benchmarks.jar io.evloop.bench.Impls [class-regex]}.
 */
public final class Impls {
    private Impls() {}

    public static void main(String[] args) {
        Pattern filter = Pattern.compile(args.length > 0 ? args[0] : ".*");
        Map<String, String[]> byClass = new LinkedHashMap<>();
        Map<String, Integer> forks = new LinkedHashMap<>();
        List<String> none = new ArrayList<>();
        for (BenchmarkListEntry entry : BenchmarkList.defaultList().getAll(
                OutputFormatFactory.createFormatInstance(System.err, VerboseMode.SILENT), none)) {
            String[] values = entry.getParams().orElse(Map.of()).get("impl");
            String name = entry.getUserClassQName();
            if (values != null && filter.matcher(name).find()) {
                byClass.putIfAbsent(name, values);
                int declared = entry.getForks().orElse(1);
                if (declared > 1) {
                    forks.put(name, declared);
                }
            }
        }
        for (Map.Entry<String, String[]> e : byClass.entrySet()) {
            List<String> available = new ArrayList<>();
            for (String impl : e.getValue()) {
                if (Impl.isAvailable(impl)) {
                    available.add(impl);
                }
            }
            if (!available.isEmpty()) {
                Integer forkCount = forks.get(e.getKey());
                System.out.println(e.getKey() + "\t" + String.join(",", available)
                        + (forkCount == null ? "" : "\t" + forkCount));
            }
        }
    }
}
