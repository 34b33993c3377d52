<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="fr" sourcelanguage="en">
<context>
    <name>PlaybackBar</name>
    <message>
        <location filename="../../csu_wall/gui/playback_bar.py" line="131"/>
        <source>No tile chosen</source>
        <translation>Aucune vignette choisie</translation>
    </message>
    <message>
        <location filename="../../csu_wall/gui/playback_bar.py" line="138"/>
        <source>Play from this time</source>
        <translation>Lire à partir de cette heure</translation>
    </message>
    <message>
        <location filename="../../csu_wall/gui/playback_bar.py" line="139"/>
        <source>−60 s</source>
        <translation>−60 s</translation>
    </message>
    <message>
        <location filename="../../csu_wall/gui/playback_bar.py" line="140"/>
        <source>−10 s</source>
        <translation>−10 s</translation>
    </message>
    <message>
        <location filename="../../csu_wall/gui/playback_bar.py" line="141"/>
        <location filename="../../csu_wall/gui/playback_bar.py" line="261"/>
        <source>Pause</source>
        <translation>Pause</translation>
    </message>
    <message>
        <location filename="../../csu_wall/gui/playback_bar.py" line="142"/>
        <source>Next frame</source>
        <translation>Image suivante</translation>
    </message>
    <message>
        <location filename="../../csu_wall/gui/playback_bar.py" line="148"/>
        <source>Back to live</source>
        <translation>Retour au direct</translation>
    </message>
    <message>
        <location filename="../../csu_wall/gui/playback_bar.py" line="160"/>
        <source>Time (Paris):</source>
        <translation>Heure (Paris) :</translation>
    </message>
    <message>
        <location filename="../../csu_wall/gui/playback_bar.py" line="199"/>
        <source>Choose a tile showing a camera first.</source>
        <translation>Choisissez d&apos;abord une vignette qui affiche une caméra.</translation>
    </message>
    <message>
        <location filename="../../csu_wall/gui/playback_bar.py" line="255"/>
        <source>Live</source>
        <translation>Direct</translation>
    </message>
    <message>
        <location filename="../../csu_wall/gui/playback_bar.py" line="261"/>
        <source>Play</source>
        <translation>Lecture</translation>
    </message>
    <message>
        <location filename="../../csu_wall/gui/playback_bar.py" line="266"/>
        <source>paused</source>
        <translation>en pause</translation>
    </message>
    <message>
        <location filename="../../csu_wall/gui/playback_bar.py" line="267"/>
        <source>Recording of {0} ({1})</source>
        <translation>Enregistrement du {0} ({1})</translation>
    </message>
    <message>
        <source>Playback</source>
        <translation>Relecture</translation>
    </message>
    <message>
        <source>Play back recordings</source>
        <translation>Relire les enregistrements</translation>
    </message>
</context>
</TS>
