<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="fr" sourcelanguage="en">
<context>
    <name>TileWidget</name>
    <message>
        <location filename="../../csu_wall/gui/_tile_overlay.py" line="62"/>
        <source>end of the recording</source>
        <translation>fin de l&apos;enregistrement</translation>
    </message>
    <message>
        <location filename="../../csu_wall/gui/_tile_overlay.py" line="64"/>
        <source>no recording at this time</source>
        <translation>pas d&apos;enregistrement à cette heure</translation>
    </message>
    <message>
        <location filename="../../csu_wall/gui/_tile_overlay.py" line="66"/>
        <source>playback refused by the recorder</source>
        <translation>l&apos;enregistreur refuse la relecture</translation>
    </message>
</context>
</TS>
