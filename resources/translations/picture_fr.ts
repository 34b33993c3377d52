<?xml version='1.0' encoding='utf-8'?>
<TS version="2.1" language="fr" sourcelanguage="en">
<context>
    <name>EditController</name>
    <message>
        <source>Keep proportions</source>
        <translation>Conserver les proportions</translation>
    </message>
    <message>
        <source>Fill the tile</source>
        <translation>Remplir la tuile</translation>
    </message>
    <message>
        <source>Keep proportions: the whole picture, bands where the shapes differ. Fill the tile: no band, the picture is stretched.</source>
        <translation>Conserver les proportions : toute l'image, avec des bandes si les formes diffèrent. Remplir la tuile : sans bande, l'image est étirée.</translation>
    </message>
    <message>
        <source>Pictures fill their tiles</source>
        <translation>Images étirées sur toute la tuile</translation>
    </message>
    <message>
        <source>Pictures keep their proportions</source>
        <translation>Images aux proportions conservées</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <source>Cameras</source>
        <translation>Caméras</translation>
    </message>
    <message>
        <source>&amp;Plates on the tiles</source>
        <translation>&amp;Plaques sur les tuiles</translation>
    </message>
</context>
<context>
    <name>Keymap</name>
    <message>
        <source>Show or hide the plates on the tiles</source>
        <translation>Afficher ou masquer les plaques des tuiles</translation>
    </message>
</context>
</TS>
