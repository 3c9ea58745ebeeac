"""Where a JFR recording's samples fall: per thread, then per top frame within each thread.

usage: python3 bench/jfr_threads.py RECORDING.jfr

Counts jdk.ExecutionSample (a thread running Java code) and jdk.NativeMethodSample (a Java thread
inside a native method, e.g. a torch call) together. Torch's own worker threads are not Java
threads: their time shows as the Java thread that called into torch. The reward evaluator's worker
threads are grouped as one. Run by hand (docs/BENCHMARKS.md, profile); needs the JDK's `jfr` tool.
"""
import collections
import json
import subprocess
import sys


def samples(recording, event):
    out = subprocess.run(['jfr', 'print', '--json', '--events', event, recording],
                         capture_output=True, text=True, check=True).stdout
    return json.loads(out)['recording']['events']


def thread_group(name):
    return 'reward evaluator worker' if '-worker-' in name else name


def main(recording):
    total = collections.Counter()
    in_java = collections.Counter()
    tops = collections.defaultdict(collections.Counter)
    for event, java in (('jdk.ExecutionSample', True), ('jdk.NativeMethodSample', False)):
        for e in samples(recording, event):
            v = e['values']
            thread = v.get('sampledThread') or {}
            group = thread_group(thread.get('javaName') or thread.get('osName') or '?')
            frames = (v.get('stackTrace') or {}).get('frames') or []
            top = frames[0]['method'] if frames else None
            name = top['type']['name'].split('/')[-1] + '.' + top['name'] if top else '?'
            total[group] += 1
            in_java[group] += java
            tops[group][name] += 1
    n = sum(total.values())
    print(f'{n} samples')
    for group, count in total.most_common(8):
        print(f'{group}: {count} samples ({100 * count / n:.1f}%), in Java code {100 * in_java[group] / count:.1f}%')
        for name, m in tops[group].most_common(8):
            print(f'    {m:6d}  {100 * m / count:5.1f}%  {name}')


if __name__ == '__main__':
    main(sys.argv[1])
