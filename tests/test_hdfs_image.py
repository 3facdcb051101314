"""The HDFS of the cluster profile, where the Spark job keeps its checkpoint, as compose runs it: a
NameNode and three DataNodes of the Hadoop image through compose/hdfs-node.sh, its init step, and
a client of the Spark image (Hadoop 3.3.4's client, as the driver and executors have it) that
writes, renames (a checkpoint commits by rename) and reads files at replication 3:
- the checkpoint directory is the Spark user's alone;
- a NameNode started anew on its volume keeps the namespace (formatted on the first start only);
- with one DataNode killed, appending to a file whose pipeline held it, and a new write, still work.

HADOOP_IMAGE names the Hadoop image (default the offline stand-in local/hadoop:<hadoop.server.version
of pom.xml>, which offline/hadoop/build.sh builds when it is missing), SPARK_IMAGE the client's
(default local/spark:3.5.7, script/base-images.sh). DOCKER names the docker CLI.
"""

import os
import re
import subprocess
import time
import uuid

import pytest

from conftest import DOCKER, ROOT, ensure_stand_in, image_exists

SERVER_VERSION = re.search(r"<hadoop.server.version>(.+)</hadoop.server.version>", (ROOT / "pom.xml").read_text())[1]
HADOOP_IMAGE = os.environ.get("HADOOP_IMAGE", f"local/hadoop:{SERVER_VERSION}")
SPARK_IMAGE = os.environ.get("SPARK_IMAGE", "local/spark:3.5.7")
# What this test run creates carries this name and label, so that the end removes all of it.
RUN = f"users-pipeline-test-hdfs-{uuid.uuid4().hex[:8]}"
LABEL = f"users-pipeline-test={RUN}"
NAMENODE = f"{RUN}-namenode"
DATANODES = [f"{RUN}-datanode-{n}" for n in (1, 2, 3)]
CLIENT = f"{RUN}-client"
CHECKPOINT_DIR = "/users-pipeline"
# The Hadoop settings the Spark driver and executors need (as spark.hadoop.<name>), besides the
# checkpoint's hdfs:// URI: reach DataNodes by name, and keep writing when one of three is gone.
CLIENT_SETTINGS = {
    "dfs.client.use.datanode.hostname": "true",
    "dfs.client.block.write.replace-datanode-on-failure.best-effort": "true",
}
TIMEOUT_SECONDS = 180


def docker(*args, stdin=None, check=True, timeout=TIMEOUT_SECONDS):
    result = subprocess.run([DOCKER, *args], input=stdin, capture_output=True, text=True, timeout=timeout)
    if check and result.returncode != 0:
        pytest.fail(f"docker {' '.join(args[:3])} ... failed ({result.returncode}):\n{result.stderr[-3000:]}")
    return result


def start_node(name, role, volume, **environment):
    """A node as compose starts it: the image with compose/hdfs-node.sh as its entrypoint."""
    variables = [f"--env={key}={value}" for key, value in
                 {"HDFS_NAMENODE_ADDRESS": f"{NAMENODE}:8020", **environment}.items()]
    docker("run", "-d", "--name", name, "--hostname", name, "--network", RUN, "--label", LABEL, *variables,
           "-v", f"{volume}:/data", "-v", f"{ROOT / 'compose' / 'hdfs-node.sh'}:/compose/hdfs-node.sh:ro",
           "--entrypoint", "bash", HADOOP_IMAGE, "/compose/hdfs-node.sh", role)


def start_namenode():
    start_node(NAMENODE, "namenode", f"{NAMENODE}-data", HDFS_HEAP="384m")


def init():
    """The one-shot init service; it waits for the NameNode and three live DataNodes itself."""
    result = docker("run", "--rm", "--network", RUN, "--label", LABEL,
                    f"--env=HDFS_NAMENODE_ADDRESS={NAMENODE}:8020",
                    "-v", f"{ROOT / 'compose' / 'hdfs-node.sh'}:/compose/hdfs-node.sh:ro",
                    "--entrypoint", "bash", HADOOP_IMAGE, "/compose/hdfs-node.sh", "init", check=False)
    assert result.returncode == 0, f"init failed:\n{result.stderr[-3000:]}"


def fs(*args, stdin=None, user=None):
    """FsShell of the Spark image's Hadoop client, as uid 185 (spark), or as HDFS user `user`."""
    identity = ["--env", f"HADOOP_USER_NAME={user}"] if user else []
    return docker("exec", "-i", *identity, CLIENT, "java", "-cp", "/etc/hadoop-client:/opt/spark/jars/*",
                  "org.apache.hadoop.fs.FsShell", *args, stdin=stdin, check=False)


def fs_ok(*args, stdin=None):
    result = fs(*args, stdin=stdin)
    assert result.returncode == 0, f"hdfs dfs {' '.join(args)} failed:\n{result.stderr[-3000:]}"
    return result.stdout


def write_committed(path, text):
    """Writes as Spark's checkpoint does: a temporary file, then a rename onto the final name."""
    fs_ok("-put", "-", f"{path}.tmp", stdin=text)
    fs_ok("-mv", f"{path}.tmp", path)


def out_of_safe_mode_seconds(since):
    deadline = time.monotonic() + TIMEOUT_SECONDS
    while "Safe mode is OFF" not in docker("exec", NAMENODE, "hdfs", "dfsadmin", "-safemode", "get",
                                           check=False).stdout:
        assert time.monotonic() < deadline, f"NameNode still in safe mode:\n{docker('logs', NAMENODE).stderr[-3000:]}"
        time.sleep(1)
    return time.monotonic() - since


def remove_everything():
    containers = docker("ps", "-aq", "--filter", f"label={LABEL}", check=False).stdout.split()
    if containers:
        docker("rm", "-f", "-v", *containers, check=False)
    docker("network", "rm", RUN, check=False)
    volumes = docker("volume", "ls", "-q", "--filter", f"label={LABEL}", check=False).stdout.split()
    if volumes:
        docker("volume", "rm", *volumes, check=False)


@pytest.fixture(scope="module")
def cluster(request, tmp_path_factory):
    ensure_stand_in(HADOOP_IMAGE, "HADOOP_IMAGE", "offline/hadoop/build.sh")
    if not image_exists(SPARK_IMAGE):
        pytest.fail(f"image {SPARK_IMAGE} is missing: script/base-images.sh builds it")
    request.addfinalizer(remove_everything)  # first: whatever the setup gets to, goes
    docker("network", "create", "--label", LABEL, RUN)
    for name in (NAMENODE, *DATANODES):
        docker("volume", "create", "--label", LABEL, f"{name}-data")

    started = time.monotonic()
    start_namenode()
    for datanode in DATANODES:
        start_node(datanode, "datanode", f"{datanode}-data")
    print(f"\nNameNode out of safe mode {out_of_safe_mode_seconds(started):.1f}s after its first start")
    init()

    # The client's configuration: the Spark job gets the same settings as spark.hadoop.*.
    conf = tmp_path_factory.mktemp("hadoop-client")
    properties = {"fs.defaultFS": f"hdfs://{NAMENODE}:8020", **CLIENT_SETTINGS}
    (conf / "core-site.xml").write_text("<configuration>\n" + "".join(
        f"  <property><name>{key}</name><value>{value}</value></property>\n" for key, value in properties.items())
        + "</configuration>\n")
    conf.chmod(0o755)
    (conf / "core-site.xml").chmod(0o644)
    docker("run", "-d", "--name", CLIENT, "--network", RUN, "--label", LABEL, "--user", "185",
           "-v", f"{conf}:/etc/hadoop-client:ro", "--entrypoint", "sleep", SPARK_IMAGE, "infinity")


def test_the_checkpoint_directory_is_the_spark_users_alone(cluster):
    assert fs_ok("-stat", "%u:%g %A", CHECKPOINT_DIR).strip() == "spark:spark rwxr-x---"
    write_committed(f"{CHECKPOINT_DIR}/owned", "by spark\n")

    intruder = fs("-put", "-", f"{CHECKPOINT_DIR}/intruder", stdin="not spark's\n", user="intruder")
    assert intruder.returncode != 0 and "Permission denied" in intruder.stderr, intruder.stderr[-2000:]
    listing = fs("-ls", CHECKPOINT_DIR, user="intruder")
    assert listing.returncode != 0 and "Permission denied" in listing.stderr, listing.stderr[-2000:]

    # init puts the directory back as it should be, on every start.
    docker("exec", NAMENODE, "hdfs", "dfs", "-chmod", "777", CHECKPOINT_DIR)
    init()
    assert fs_ok("-stat", "%u:%g %A", CHECKPOINT_DIR).strip() == "spark:spark rwxr-x---"


def test_a_namenode_started_anew_on_its_volume_keeps_the_namespace(cluster):
    write_committed(f"{CHECKPOINT_DIR}/before-restart", "kept\n")
    # As compose recreates a service: a new container on the same volume.
    docker("rm", "-f", NAMENODE)
    started = time.monotonic()
    start_namenode()
    print(f"\nNameNode out of safe mode {out_of_safe_mode_seconds(started):.1f}s after a restart")
    assert fs_ok("-cat", f"{CHECKPOINT_DIR}/before-restart") == "kept\n"
    assert fs_ok("-cat", f"{CHECKPOINT_DIR}/owned") == "by spark\n"
    assert "formatting" not in docker("logs", NAMENODE).stderr


def test_writes_survive_a_dead_datanode_at_replication_3(cluster):
    log = f"{CHECKPOINT_DIR}/log"
    write_committed(log, "one\n")
    assert fs_ok("-stat", "%r", log).strip() == "3"
    dead = DATANODES[-1]
    docker("kill", dead)
    try:
        # Before the NameNode notices (50 s): the file's blocks still list the dead node, so the
        # append's pipeline loses it, and no fourth DataNode can take its place.
        fs_ok("-appendToFile", "-", log, stdin="two\n")
        write_committed(f"{CHECKPOINT_DIR}/after-kill", "written with a DataNode dead\n")
        assert fs_ok("-cat", log) == "one\ntwo\n"
        assert fs_ok("-cat", f"{CHECKPOINT_DIR}/after-kill") == "written with a DataNode dead\n"
        assert fs_ok("-stat", "%r", f"{CHECKPOINT_DIR}/after-kill").strip() == "3"
    finally:
        docker("start", dead, check=False)
