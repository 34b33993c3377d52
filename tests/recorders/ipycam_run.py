"""Runs an ipycam ONVIF Profile S camera for the tests (inside a network namespace).

Usage: ``python ipycam_run.py CONFIG_JSON`` where the JSON holds ``local_ip``, ``username`` and
``password`` (a 0600 file the test deletes once READY is printed: never a process argument).
Prints ``READY`` once the ONVIF service answers; stops on EOF of stdin.
"""

from __future__ import annotations

import json
import sys
import threading
import time

import numpy as np


def main() -> int:
    with open(sys.argv[1], encoding="utf-8") as f:
        cfg = json.load(f)
    from ipycam import CameraConfig, IPCamera

    config = CameraConfig(name="Caméra ONVIF de test", manufacturer="PythonCam",
                          model="VirtualCam-1", local_ip=cfg["local_ip"], onvif_port=8080,
                          rtsp_port=8554, main_width=640, main_height=360, main_fps=10,
                          sub_width=320, sub_height=180, sub_fps=10, hw_accel="cpu",
                          show_timestamp=False)
    config.set_credentials(cfg["username"], cfg["password"])
    camera = IPCamera(config)
    if camera.start() is False:
        print("FAILED", flush=True)
        return 1
    stop = threading.Event()

    def feed() -> None:
        frame = np.zeros((360, 640, 3), np.uint8)
        n = 0
        while not stop.is_set():
            frame[:] = (n * 7) % 255
            camera.stream(frame)
            n += 1
            time.sleep(0.1)

    threading.Thread(target=feed, daemon=True).start()
    print("READY", flush=True)
    sys.stdin.read()  # EOF: the test is done
    stop.set()
    camera.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
