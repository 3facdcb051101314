package io.github.userspipeline.submitspark;

import java.io.IOException;
import java.lang.reflect.Field;
import java.time.Duration;
import java.util.OptionalInt;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.spark.launcher.SparkAppHandle;
import org.apache.spark.launcher.SparkLauncher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A submitted Spark application followed through its handle: every state change is logged, the
 * wait for a final state is bounded, and an application that must end early is asked to stop,
 * then killed.
 */
final class Application implements SparkAppHandle.Listener {

    private static final Logger log = LoggerFactory.getLogger(Application.class);
    private static final Duration STOP_GRACE = Duration.ofSeconds(30);

    private final CountDownLatch ended = new CountDownLatch(1);
    private final Duration timeout;
    private volatile SparkAppHandle handle;
    private volatile Process driver;
    private volatile boolean timedOut;

    private Application(Duration timeout) {
        this.timeout = timeout;
    }

    static Application start(SparkLauncher launcher, Duration timeout) throws IOException {
        Application application = new Application(timeout);
        // The listener goes in with the launch, so no early state change is missed.
        application.handle = launcher.startApplication(application);
        application.driver = driverProcess(application.handle);
        return application;
    }

    /**
     * The driver's process. The handle keeps it to itself ({@code ChildProcAppHandle.childProc}), yet
     * its exit status is the only sure sign of the job's fate: in client mode SparkContext.stop
     * reports FINISHED even for a job that failed, and the handle turns that into FAILED only after
     * the driver has exited, with no event at all for an exit status of 0.
     */
    private static Process driverProcess(SparkAppHandle handle) {
        try {
            Field childProc = handle.getClass().getDeclaredField("childProc");
            childProc.setAccessible(true);
            return (Process) childProc.get(handle);
        } catch (ReflectiveOperationException | RuntimeException e) {
            handle.kill();
            throw new IllegalStateException(
                    "cannot follow the driver process of " + handle.getClass().getName()
                            + " (another spark-launcher version?)",
                    e);
        }
    }

    @Override
    public void stateChanged(SparkAppHandle changed) {
        log.info(
                "application {} is {}",
                changed.getAppId() == null ? "(no id yet)" : changed.getAppId(),
                changed.getState());
        if (changed.getState().isFinal()) {
            ended.countDown();
        }
    }

    @Override
    public void infoChanged(SparkAppHandle changed) {
        log.info("application id {}", changed.getAppId());
    }

    /** Waits for the end; past the timeout, stops the application and reports how it ended. */
    SparkAppHandle.State awaitFinalState() throws InterruptedException {
        if (!ended.await(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            timedOut = true;
            log.warn(
                    "application {} still {} after {} s: stopping it", appId(), handle.getState(), timeout.toSeconds());
            stopIfRunning();
        }
        return handle.getState();
    }

    /**
     * Asks the application to stop, then kills the driver process: a streaming driver can report
     * a final state and still linger, holding its executors' cores.
     */
    void stopIfRunning() {
        if (handle == null) {
            return;
        }
        if (!handle.getState().isFinal()) {
            try {
                handle.stop();
                ended.await(STOP_GRACE.toMillis(), TimeUnit.MILLISECONDS);
            } catch (RuntimeException notConnectedYet) {
                log.warn("application cannot be asked to stop ({}): killing it", notConnectedYet.getMessage());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        // A no-op once the driver has exited by itself.
        handle.kill();
    }

    /** The driver's exit status once it has exited, waiting {@code patience} at most; empty if it still runs. */
    OptionalInt awaitDriverExit(Duration patience) throws InterruptedException {
        return driver.waitFor(patience.toMillis(), TimeUnit.MILLISECONDS)
                ? OptionalInt.of(driver.exitValue())
                : OptionalInt.empty();
    }

    SparkAppHandle.State state() {
        return handle.getState();
    }

    boolean timedOut() {
        return timedOut;
    }

    String appId() {
        return handle.getAppId();
    }

    /** "application app-…", or a name for a driver that failed before the master gave it an id. */
    String name() {
        String appId = appId();
        return appId == null ? "the application (no id: it never registered with the master)" : "application " + appId;
    }
}
