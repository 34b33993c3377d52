<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="fr" sourcelanguage="en">
<context>
    <name>PlaybackBar</name>
    <message>
        <location filename="../../csu_wall/gui/playback_bar.py" line="137"/>
        <source>No tile chosen</source>
        <translation>Aucune vignette choisie</translation>
    </message>
    <message>
        <location filename="../../csu_wall/gui/playback_bar.py" line="144"/>
        <source>Play from this time</source>
        <translation>Lire à partir de cette heure</translation>
    </message>
    <message>
        <location filename="../../csu_wall/gui/playback_bar.py" line="145"/>
        <source>−60 s</source>
        <translation>−60 s</translation>
    </message>
    <message>
        <location filename="../../csu_wall/gui/playback_bar.py" line="146"/>
        <source>−10 s</source>
        <translation>−10 s</translation>
    </message>
    <message>
        <location filename="../../csu_wall/gui/playback_bar.py" line="147"/>
        <location filename="../../csu_wall/gui/playback_bar.py" line="333"/>
        <source>Pause</source>
        <translation>Pause</translation>
    </message>
    <message>
        <location filename="../../csu_wall/gui/playback_bar.py" line="148"/>
        <source>Next frame</source>
        <translation>Image suivante</translation>
    </message>
    <message>
        <source>Reverse play</source>
        <translation>Lecture arrière</translation>
    </message>
    <message>
        <location filename="../../csu_wall/gui/playback_bar.py" line="154"/>
        <source>Back to live</source>
        <translation>Retour au direct</translation>
    </message>
    <message>
        <location filename="../../csu_wall/gui/playback_bar.py" line="165"/>
        <source>Looking for the recording…</source>
        <translation>Recherche de l&apos;enregistrement…</translation>
    </message>
    <message>
        <location filename="../../csu_wall/gui/playback_bar.py" line="167"/>
        <source>Cancel</source>
        <translation>Annuler</translation>
    </message>
    <message>
        <location filename="../../csu_wall/gui/playback_bar.py" line="171"/>
        <source>Time (Paris):</source>
        <translation>Heure (Paris) :</translation>
    </message>
    <message>
        <location filename="../../csu_wall/gui/playback_bar.py" line="219"/>
        <location filename="../../csu_wall/gui/playback_bar.py" line="240"/>
        <source>Choose a tile showing a camera first.</source>
        <translation>Choisissez d&apos;abord une vignette qui affiche une caméra.</translation>
    </message>
    <message>
        <location filename="../../csu_wall/gui/playback_bar.py" line="271"/>
        <source>Search for the recording cancelled.</source>
        <translation>Recherche de l&apos;enregistrement annulée.</translation>
    </message>
    <message>
        <location filename="../../csu_wall/gui/playback_bar.py" line="327"/>
        <source>Live</source>
        <translation>Direct</translation>
    </message>
    <message>
        <location filename="../../csu_wall/gui/playback_bar.py" line="333"/>
        <source>Play</source>
        <translation>Lecture</translation>
    </message>
    <message>
        <location filename="../../csu_wall/gui/playback_bar.py" line="338"/>
        <source>paused</source>
        <translation>en pause</translation>
    </message>
    <message>
        <location filename="../../csu_wall/gui/playback_bar.py" line="339"/>
        <source>Recording of {0} ({1})</source>
        <translation>Enregistrement du {0} ({1})</translation>
    </message>
    <message>
        <location filename="../../csu_wall/gui/playback_bar.py" line="372"/>
        <source>Playback</source>
        <translation>Relecture</translation>
    </message>
    <message>
        <location filename="../../csu_wall/gui/playback_bar.py" line="380"/>
        <source>Play back recordings</source>
        <translation>Relire les enregistrements</translation>
    </message>
</context>
</TS>
